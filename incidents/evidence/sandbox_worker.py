"""The evidence sanitiser's own process: decodes uploaded files and writes clean copies (docs/rules.md).

Run by `incidents.evidence.sandbox` as `python -I -P sandbox_worker.py`, one short-lived process per
declaration, never imported by the web process for its work: a hostile file that hangs a decoder, eats
memory or exploits a parser only reaches this process, which limits itself (address space, CPU time, no
file writes) before reading anything, and is killed by its parent at the deadline. Standard library,
Pillow and pypdfium2 only: no Django here.

What comes out is rebuilt from pixels, never copied from the input:
- images (PNG, JPEG, WEBP, GIF) are decoded by the one Pillow plugin their content was detected as and
  re-encoded without any metadata (EXIF, XMP, ICC, text chunks, comments); animations keep their frames.
  Before any pixel is decoded, frames × width × height is read from the headers and capped.
- PDFs are rasterised page by page by PDFium (no JavaScript engine, forms never initialised) and written
  as a new PDF holding one picture per page: no script, action, link, attachment, form, font or metadata
  of the original can survive, whatever trick hid it (see the README, "Security").
- Thumbnails ("thumbnail" items: a stored copy and its format) are drawn here too, under the same limits:
  the first frame or first page, at most THUMBNAIL_MAX_SIDE pixels a side, as a JPEG.

Protocol (stdin → stdout, big-endian lengths):
  in:  u32 header length, JSON header {"limits": {...}, "files": [{"kind", "format", "size"}]}, then the
       files' bytes one after the other;
  out: per file, in order: one status byte (b"o" clean copy, b"e" refusal), u32 length, payload (the clean
       bytes, or JSON {"code", "params"}). A file whose frame never comes was cut off by the deadline.
       Last, b"m" and JSON {"peak_rss_bytes", "cpu_seconds"} of this process, for the logs and the bench.
"""

from __future__ import annotations

import io
import json
import math
import resource
import struct
import sys

OK, ERROR, PEAK = b"o", b"e", b"m"
HEADER_MAX = 64 * 1024
PDF_DPI = 120  # 10-point text stays readable; a Letter page is 1.35 megapixels
PDF_PAGE_MAX_PIXELS = 4_000_000  # a poster-sized page is scaled down to this
PDF_JPEG_QUALITY = 80
THUMBNAIL_MAX_SIDE = 240  # the incident page shows it at 96 CSS pixels: sharp on a 2x screen too
THUMBNAIL_JPEG_QUALITY = 80


class Refused(Exception):
    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


def limit_self(*, memory_bytes: int, cpu_seconds: int) -> None:
    """Before touching any input: bounded memory and CPU, no file written, no core dump.

    A limit the system refuses (not Linux) is skipped: the parent's deadline still holds.
    """
    for limit, value in (
        (resource.RLIMIT_AS, (memory_bytes, memory_bytes)),
        (resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1)),
        (resource.RLIMIT_FSIZE, (0, 0)),
        (resource.RLIMIT_CORE, (0, 0)),
    ):
        try:
            resource.setrlimit(limit, value)
        except (ValueError, OSError):
            continue


# --- Counting before decoding ----------------------------------------------------------------------


def gif_frame_count(raw: bytes) -> int:
    """Image descriptors of a GIF, read from its block structure without decoding any pixel: a file of
    thousands of tiny frames costs one scan of its blocks (bounded by the upload size) and nothing more.
    """
    if len(raw) < 13 or raw[:3] != b"GIF":
        raise Refused("unreadable")
    position = 13
    if raw[10] & 0x80:  # global colour table
        position += 3 * (2 ** ((raw[10] & 0x07) + 1))
    frames = 0
    size = len(raw)
    while position < size:
        block = raw[position]
        if block == 0x3B:  # trailer
            break
        if block == 0x21:  # extension: label, then data sub-blocks
            position += 2
        elif block == 0x2C:  # image descriptor, optional local colour table, LZW code size, sub-blocks
            frames += 1
            if position + 10 > size:
                break
            flags = raw[position + 9]
            position += 10
            if flags & 0x80:
                position += 3 * (2 ** ((flags & 0x07) + 1))
            position += 1
        else:
            break  # garbage after the last frame: decoders stop here too
        while position < size and raw[position] != 0:
            position += raw[position] + 1
        position += 1
    return frames


def image_cost(image, fmt: str, raw: bytes, max_pixels: int) -> tuple[int, int]:
    """(frames kept, decoded pixels) of an opened image, from its headers only."""
    width, height = image.size
    if width < 1 or height < 1:
        raise Refused("unreadable")
    per_frame = width * height
    if fmt == "GIF":
        frames = max(1, gif_frame_count(raw))
    elif fmt == "WEBP":
        frames = max(1, int(getattr(image, "n_frames", 1)))
    else:
        frames = 1  # an animated PNG keeps its first frame, as any PNG viewer shows it
    pixels = frames * per_frame
    if pixels > max_pixels:
        raise Refused("pixels", frames=frames, width=width, height=height, pixels=pixels, max=max_pixels)
    return frames, pixels


def pdf_page_scales(document, max_pages: int, max_pixels: int) -> tuple[list[float], int]:
    """The scale of each page at PDF_DPI (posters scaled down) and the pixels they will make."""
    pages = len(document)
    if pages < 1:
        raise Refused("no_page")
    if pages > max_pages:
        raise Refused("pages", pages=pages, max=max_pages)
    scales, total = [], 0
    for index in range(pages):
        width, height = document.get_page_size(index)
        width, height = max(float(width), 1.0), max(float(height), 1.0)
        scale = PDF_DPI / 72
        if width * height * scale * scale > PDF_PAGE_MAX_PIXELS:
            scale = math.sqrt(PDF_PAGE_MAX_PIXELS / (width * height))
        scales.append(scale)
        total += max(1, round(width * scale)) * max(1, round(height * scale))
        if total > max_pixels:
            raise Refused("pixels", pages=pages, pixels=total, max=max_pixels)
    return scales, total


# --- Rebuilding ------------------------------------------------------------------------------------

_KEPT_INFO = ("transparency", "duration", "loop", "background", "disposal")


def _bare_info(image) -> dict:
    """What decides how the pixels look, nothing that describes where they come from."""
    return {key: image.info[key] for key in _KEPT_INFO if key in image.info}


def open_image(raw: bytes, fmt: str):
    from PIL import GifImagePlugin, Image

    # Frames sharing the first frame's palette stay paletted: re-encoding them needs no quantising.
    GifImagePlugin.LOADING_STRATEGY = GifImagePlugin.LoadingStrategy.RGB_AFTER_DIFFERENT_PALETTE_ONLY
    try:
        image = Image.open(io.BytesIO(raw), formats=[fmt])  # only the decoder the content was detected as
    except Exception as error:
        raise Refused("unreadable") from error
    if image.format != fmt:
        raise Refused("unreadable")
    return image


def clean_image(raw: bytes, fmt: str, max_pixels: int, probe=None) -> bytes:
    from PIL import Image, ImageOps, ImageSequence

    Image.MAX_IMAGE_PIXELS = max_pixels
    image, frames = probe or (None, None)
    if image is None:
        image = open_image(raw, fmt)
        frames, _pixels = image_cost(image, fmt, raw, max_pixels)
    out = io.BytesIO()
    if frames > 1:
        kept = []
        for frame in ImageSequence.Iterator(image):
            if len(kept) == frames:
                break
            copy = frame.copy()
            copy.info = _bare_info(frame)
            kept.append(copy)
        first, rest = kept[0], kept[1:]
        timing = {key: first.info[key] for key in ("loop", "background") if key in first.info}
        timing["duration"] = [frame.info.get("duration", 100) for frame in kept]
        first.save(out, format=fmt, save_all=True, append_images=rest, **timing, **_fast(fmt))
        return out.getvalue()
    image.load()
    kept_info = _bare_info(image) if fmt != "JPEG" else {}
    ImageOps.exif_transpose(image, in_place=True)  # upright once the EXIF orientation is gone
    if fmt == "JPEG" and image.mode not in ("RGB", "L", "CMYK"):
        image = image.convert("RGB")
    image.info = kept_info
    image.save(out, format=fmt, **_fast(fmt))
    return out.getvalue()


def _fast(fmt: str) -> dict:
    # The fastest settings that keep a screenshot legible: the web worker waits for this process.
    return {
        "PNG": {"compress_level": 1},
        "JPEG": {"quality": 92},
        "WEBP": {"quality": 92, "method": 0},
        "GIF": {},
    }[fmt]


def open_pdf(raw: bytes):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(raw)
    except pdfium.PdfiumError as error:
        if getattr(error, "err_code", None) == 4:  # FPDF_ERR_PASSWORD: opening needs a password
            raise Refused("password") from error
        raise Refused("unreadable") from error


def rasterise_pdf(raw: bytes, max_pages: int, max_pixels: int, probe=None) -> bytes:
    """Every page as a picture in a new PDF; nothing of the original file but its look is kept."""
    document, scales = probe or (None, None)
    if document is None:
        document = open_pdf(raw)
        scales, _pixels = pdf_page_scales(document, max_pages, max_pixels)
    pictures = []
    for index, scale in enumerate(scales):
        page = document[index]
        bitmap = page.render(
            scale=scale,
            may_draw_forms=False,
            draw_annots=True,  # what a reader sees (highlights, stamps); their actions are not pictures
            fill_color=(255, 255, 255, 255),
            rev_byteorder=True,
        )
        pictures.append(bitmap.to_pil().convert("RGB"))
        page.close()
    document.close()
    out = io.BytesIO()
    pictures[0].save(
        out,
        format="PDF",
        save_all=True,
        append_images=pictures[1:],
        resolution=PDF_DPI,
        quality=PDF_JPEG_QUALITY,
        # No dates: the same pages make the same file, so the same PDF given twice is recognised (SHA-256).
        creationDate=None,
        modDate=None,
    )
    return out.getvalue()


def thumbnail(fmt: str, handle) -> bytes:
    """A small JPEG of a stored file (already rebuilt by this process): an image's first frame, or a
    PDF's first page, at most THUMBNAIL_MAX_SIDE pixels a side, transparency on white."""
    from PIL import Image

    if fmt == "PDF":
        document = handle
        page = document[0]
        width, height = page.get_size()
        scale = THUMBNAIL_MAX_SIDE / max(float(width), float(height), 1.0)
        bitmap = page.render(scale=scale, may_draw_forms=False, fill_color=(255, 255, 255, 255), rev_byteorder=True)
        picture = bitmap.to_pil().convert("RGB")
        page.close()
        document.close()
    else:
        image = handle
        if fmt == "JPEG":
            image.draft("RGB", (THUMBNAIL_MAX_SIDE, THUMBNAIL_MAX_SIDE))  # decodes at a fraction of the size
        image.thumbnail((THUMBNAIL_MAX_SIDE, THUMBNAIL_MAX_SIDE))
        rgba = image.convert("RGBA")
        picture = Image.new("RGB", rgba.size, (255, 255, 255))
        picture.paste(rgba, mask=rgba.getchannel("A"))
    picture.thumbnail((THUMBNAIL_MAX_SIDE, THUMBNAIL_MAX_SIDE))
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=THUMBNAIL_JPEG_QUALITY)
    return out.getvalue()


# --- One batch -------------------------------------------------------------------------------------


def probe(item: dict, raw: bytes, limits: dict):
    """Open one file and count what decoding it would cost, without decoding: (handle, pixels)."""
    if item["kind"] == "thumbnail" and item["format"] == "PDF":
        document = open_pdf(raw)
        if len(document) < 1:
            document.close()
            raise Refused("no_page")
        return document, THUMBNAIL_MAX_SIDE * THUMBNAIL_MAX_SIDE  # only the first page, drawn small
    if item["kind"] == "thumbnail":
        image = open_image(raw, item["format"])
        _frames, pixels = image_cost(image, item["format"], raw, limits["max_pixels"])
        return image, pixels
    if item["kind"] == "pdf":
        document = open_pdf(raw)
        try:
            # Pages are bounded by their number and the declaration's total (they cost less than photos).
            scales, pixels = pdf_page_scales(document, limits["pdf_max_pages"], limits["max_total_pixels"])
        except Exception:
            document.close()
            raise
        return (document, scales), pixels
    image = open_image(raw, item["format"])
    frames, pixels = image_cost(image, item["format"], raw, limits["max_pixels"])
    return (image, frames), pixels


def clean(item: dict, raw: bytes, limits: dict, handle) -> bytes:
    if item["kind"] == "thumbnail":
        return thumbnail(item["format"], handle)
    if item["kind"] == "pdf":
        return rasterise_pdf(raw, limits["pdf_max_pages"], limits["max_total_pixels"], probe=handle)
    return clean_image(raw, item["format"], limits["max_pixels"], probe=handle)


def run(header: dict, blobs: list[bytes], emit) -> None:
    """Probe every file (headers only), refuse the batch beyond its total, then clean file by file."""
    limits = header["limits"]
    probes: list = []
    total = 0
    for item, raw in zip(header["files"], blobs, strict=True):
        try:
            handle, pixels = probe(item, raw, limits)
        except Refused as refusal:
            probes.append(refusal)
            continue
        except Exception:  # any decoder failure on hostile input is a refusal, never a crash of the batch
            probes.append(Refused("unreadable"))
            continue
        total += pixels
        probes.append((handle, pixels))
    for item, raw, probed in zip(header["files"], blobs, probes, strict=True):
        if isinstance(probed, Refused):
            emit(ERROR, json.dumps({"code": probed.code, "params": probed.params}).encode())
            continue
        if total > limits["max_total_pixels"]:
            params = {"pixels": total, "max": limits["max_total_pixels"]}
            emit(ERROR, json.dumps({"code": "total_pixels", "params": params}).encode())
            continue
        try:
            data = clean(item, raw, limits, probed[0])
        except Refused as refusal:
            emit(ERROR, json.dumps({"code": refusal.code, "params": refusal.params}).encode())
        except MemoryError:
            emit(ERROR, json.dumps({"code": "memory", "params": {}}).encode())
        except Exception:
            emit(ERROR, json.dumps({"code": "unreadable", "params": {}}).encode())
        else:
            emit(OK, data)


def _read_exact(stream, count: int) -> bytes:
    data = stream.read(count)
    if len(data) != count:
        raise SystemExit(2)
    return data


def main() -> None:
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    (length,) = struct.unpack(">I", _read_exact(stdin, 4))
    if length > HEADER_MAX:
        raise SystemExit(2)
    header = json.loads(_read_exact(stdin, length))
    limit_self(memory_bytes=int(header["limits"]["memory_bytes"]), cpu_seconds=int(header["limits"]["cpu_seconds"]))
    blobs = [_read_exact(stdin, int(item["size"])) for item in header["files"]]

    def emit(status: bytes, payload: bytes) -> None:
        stdout.write(status + struct.pack(">I", len(payload)) + payload)
        stdout.flush()

    run(header, blobs, emit)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    emit(PEAK, json.dumps({"peak_rss_bytes": peak_memory(), "cpu_seconds": usage.ru_utime + usage.ru_stime}).encode())


def peak_memory() -> int:
    """Peak resident memory of this process since it started (VmHWM: not inherited from the parent)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


if __name__ == "__main__":
    main()
