"""`manage.py bench` section: evidence sanitising at its limits (README, "Security").

The cases: the largest accepted image, the heaviest accepted batch (the maximum number of files within
the declaration's pixel budget), a PDF at its page limit, and hostile files (an animated GIF bomb, a
batch of the largest images, a file that keeps the decoders busy past the deadline). For each, the wall
time the web worker waits, the sanitiser process's CPU time and peak memory (VmHWM), and what the web
process itself allocates (tracemalloc). Accepted cases run to the end (the deadline lifted) so their cost
is known on a busy machine too; the verdict says whether they fitted. No database is used.
"""

from __future__ import annotations

import io
import math
import time
import tracemalloc
from typing import TextIO

from django.conf import settings
from django.test.utils import override_settings
from PIL import Image, ImageDraw

from . import sandbox
from .sandbox_worker import PDF_DPI

MB = 1024 * 1024
WHOLE_SECONDS = 120


def screenshot(pixels: int, seed: int = 0) -> bytes:
    """A PNG that looks like a screenshot (text lines on white, a coloured band): realistic to re-encode."""
    width = 2400
    height = max(1, pixels // width)
    image = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 120), fill=(24, 119, 242))
    line = f"Publication {seed} — texte visible dans la capture, 0123456789 " * 6
    for y in range(140, height, 22):
        draw.text((16, y), line, fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def photo_jpeg(pixels: int) -> bytes:
    side = int(math.sqrt(pixels))
    image = Image.effect_noise((side, side), 40).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def busy_webp(pixels: int) -> bytes:
    """Noise in a low-quality WEBP: small on disk, the slowest format to decode and re-encode."""
    side = int(math.sqrt(pixels))
    out = io.BytesIO()
    Image.effect_noise((side, side), 90).convert("RGB").save(out, format="WEBP", quality=5, method=0)
    return out.getvalue()


def text_pdf(pages: int) -> bytes:
    """A PDF of Letter pages full of text, built by Pillow (pictures of text, like a printed web page)."""
    width, height = int(8.5 * PDF_DPI), int(11 * PDF_DPI)
    pictures = []
    for number in range(pages):
        picture = Image.new("L", (width, height), 255)
        draw = ImageDraw.Draw(picture)
        for y in range(40, height - 40, 18):
            draw.text((40, y), f"Page {number + 1} — fil de commentaires imprimé depuis le navigateur " * 2)
        pictures.append(picture)
    out = io.BytesIO()
    pictures[0].save(out, format="PDF", save_all=True, append_images=pictures[1:], resolution=PDF_DPI)
    return out.getvalue()


def gif_bomb(frames: int, side: int) -> bytes:
    first = Image.new("P", (side, side), 0)
    pictures = [first]
    for index in range(1, frames):
        picture = first.copy()
        picture.putpixel((index, 0), 1)
        pictures.append(picture)
    out = io.BytesIO()
    first.save(out, format="GIF", save_all=True, append_images=pictures[1:])
    return out.getvalue()


def measure(items: list[sandbox.Item], *, whole: bool) -> tuple[str, list[sandbox.Outcome]]:
    """One case; `whole` lifts the deadline so the CPU time and peak memory of the whole work are known
    even on a busy machine (the verdict then says whether it fitted in the configured deadline)."""
    report: dict = {}
    deadline = float(settings.EVIDENCE_SANITISE_SECONDS)
    tracemalloc.start()
    try:
        with override_settings(EVIDENCE_SANITISE_SECONDS=max(deadline, WHOLE_SECONDS) if whole else deadline):
            outcomes = sandbox.sanitise(items, report=report)
        _current, web_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    accepted = sum(1 for o in outcomes if o.ok)
    refused = sorted({o.code for o in outcomes if not o.ok})
    verdict = f"{accepted}/{len(items)} acceptés" + (f" (refus : {', '.join(refused)})" if refused else "")
    if whole:
        verdict += ", dans l'échéance" if report["seconds"] <= deadline else f", au-delà de l'échéance de {deadline} s"
    text = (
        f"{report['seconds']:.2f} s (CPU {report['cpu_seconds']:.2f} s), processus "
        f"{report['peak_rss_bytes'] / MB:.0f} Mo, web +{web_peak / MB:.0f} Mo, {verdict}"
    )
    return text, outcomes


def sanitising(out: TextIO) -> list[tuple[str, str]]:
    max_pixels = int(settings.EVIDENCE_MAX_PIXELS)
    total = int(settings.EVIDENCE_MAX_TOTAL_PIXELS)
    files = int(settings.EVIDENCE_MAX_FILES)
    per_file = min(max_pixels, total // files)
    pages = int(settings.EVIDENCE_PDF_MAX_PAGES)
    png, pdf = "PNG", "PDF"
    cases = [
        (
            f"1 capture PNG de {max_pixels / 1e6:.0f} Mpx (la plus grande)",
            [sandbox.Item("image", png, screenshot(max_pixels))],
        ),
        (
            f"{files} captures PNG de {per_file / 1e6:.0f} Mpx (lot le plus lourd accepté)",
            [sandbox.Item("image", png, screenshot(per_file, seed=n)) for n in range(files)],
        ),
        (
            f"{files} photos JPEG de {per_file / 1e6:.0f} Mpx",
            [sandbox.Item("image", "JPEG", photo_jpeg(per_file)) for _ in range(files)],
        ),
        (f"1 PDF de {pages} pages", [sandbox.Item("pdf", pdf, text_pdf(pages))]),
        ("GIF animé 20 × 3000×3000 (bombe)", [sandbox.Item("image", "GIF", gif_bomb(20, 3000))]),
        (
            f"{files} captures PNG de {max_pixels / 1e6:.0f} Mpx (au-delà du budget du lot)",
            [sandbox.Item("image", png, screenshot(max_pixels, seed=n)) for n in range(files)],
        ),
        (
            f"WEBP bruité de {max_pixels / 1e6:.0f} Mpx (décodeur occupé jusqu'à l'échéance)",
            [sandbox.Item("image", "WEBP", busy_webp(max_pixels))],
        ),
    ]
    rows = [
        (
            "limites",
            f"{files} fichiers, {max_pixels / 1e6:.0f} Mpx par fichier, {total / 1e6:.0f} Mpx par envoi, "
            f"{pages} pages, {settings.EVIDENCE_SANITISE_SECONDS} s, {settings.EVIDENCE_SANITISE_MEMORY_MB} Mo",
        )
    ]
    for label, items in cases:
        size = sum(len(item.raw) for item in items)
        started = time.monotonic()
        text, _outcomes = measure(items, whole="WEBP" not in label)
        out.write(f"  {label}: {text} ({time.monotonic() - started:.2f} s)\n")
        rows.append((f"{label}, {size / MB:.1f} Mo envoyés", text))
    return rows
