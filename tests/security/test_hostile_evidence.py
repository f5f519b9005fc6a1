"""Hostile evidence files: PDFs with active content are rebuilt as pictures of their pages; images that
are small on disk but huge once decoded are refused before decoding; the sanitiser runs in its own
process, within a deadline and a memory limit, and what it returns is checked again."""

from __future__ import annotations

import io
import sys
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

from incidents.evidence import clean_upload, clean_uploads, sandbox
from incidents.models import Evidence, Incident
from tests.incidents.factories import png_bytes, upload

from .hostile_files import HOSTILE_PDFS, HTML, PAGE_SIZE, SCRIPT, animated_gif

# Names that make a PDF do something: none may be left anywhere in a clean copy.
ACTIVE_NAMES = {
    "/JS",
    "/JavaScript",
    "/OpenAction",
    "/AA",
    "/A",
    "/Next",
    "/URI",
    "/Launch",
    "/GoToR",
    "/GoToE",
    "/SubmitForm",
    "/ImportData",
    "/AcroForm",
    "/XFA",
    "/Names",
    "/EmbeddedFile",
    "/EmbeddedFiles",
    "/EF",
    "/FileAttachment",
    "/Annots",
    "/RichMedia",
    "/Screen",
    "/Rendition",
    "/Widget",
}


def _names_in(value, seen: set[int], found: set[str]) -> None:
    """Every name used as a key or a value anywhere in the object graph (through every reference)."""
    if isinstance(value, IndirectObject):
        if value.idnum in seen:
            return
        seen.add(value.idnum)
        value = value.get_object()
    if isinstance(value, DictionaryObject):  # includes streams
        for key, item in value.items():
            found.add(str(key))
            _names_in(item, seen, found)
    elif isinstance(value, ArrayObject):
        for item in value:
            _names_in(item, seen, found)
    elif isinstance(value, NameObject):
        found.add(str(value))


def _all_objects(data: bytes) -> tuple[PdfReader, set[str], list]:
    reader = PdfReader(io.BytesIO(data), strict=True)
    found: set[str] = set()
    _names_in(reader.trailer, set(), found)
    streams = []
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(number)
        except Exception:  # noqa: BLE001 - a free entry
            continue
        if isinstance(obj, DictionaryObject):
            _names_in(obj, set(), found)
        if isinstance(obj, StreamObject):
            streams.append(obj)
    return reader, found, streams


@pytest.mark.parametrize("trick", sorted(HOSTILE_PDFS))
def test_pdf_active_content_does_not_survive(trick):
    raw = HOSTILE_PDFS[trick]()
    _reader, before, _streams = _all_objects(raw)
    assert before & {"/JavaScript", "/JS"}  # the test file really carries its trick

    clean = clean_upload(upload("publication.pdf", raw))

    assert clean.content_type == "application/pdf" and clean.extension == "pdf"
    reader, names, streams = _all_objects(clean.data)
    assert len(reader.pages) == 1
    assert not names & ACTIVE_NAMES, names & ACTIVE_NAMES
    # Nothing but pictures of the pages and the streams that draw them.
    for stream in streams:
        if stream.get("/Subtype") == "/Image":
            assert stream.get("/Filter") == "/DCTDecode"
        else:
            assert set(stream.keys()) <= {"/Length", "/Filter"}
            assert b"Do" in stream.get_data() and b"JS" not in stream.get_data()
    for needle in (SCRIPT, HTML, b"page.html", b"attacker", b"alert", b"cmd.exe"):
        assert needle not in clean.data


def test_a_clean_pdf_still_shows_what_the_page_showed():
    clean = clean_upload(upload("publication.pdf", HOSTILE_PDFS["open-action-in-object-stream"]()))
    page = PdfReader(io.BytesIO(clean.data)).pages[0]
    width, height = (float(v) for v in page.mediabox.upper_right)
    assert abs(width - PAGE_SIZE[0]) < 1 and abs(height - PAGE_SIZE[1]) < 1
    [picture] = page.images
    image = picture.image.convert("L")
    scale = image.width / PAGE_SIZE[0]
    # The black square (50..150 points from the bottom left) is still black; the rest is white.
    inside = image.getpixel((int(100 * scale), image.height - int(100 * scale)))
    outside = image.getpixel((int(250 * scale), image.height - int(250 * scale)))
    assert inside < 40 and outside > 215


def test_a_pdf_with_many_pages_keeps_them_all_as_pictures():
    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(width=200, height=300)
    out = io.BytesIO()
    writer.write(out)
    reader = PdfReader(io.BytesIO(clean_upload(upload("fil.pdf", out.getvalue())).data))
    assert len(reader.pages) == 3
    assert all(len(page.images) == 1 for page in reader.pages)


def test_too_many_pages_is_a_clear_refusal(settings):
    settings.EVIDENCE_PDF_MAX_PAGES = 2
    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(ValidationError) as error:
        clean_upload(upload("fil.pdf", out.getvalue()))
    assert error.value.messages == ["« fil.pdf » compte 3 pages, 2 au plus : joignez seulement les pages utiles."]


def test_a_pdf_that_needs_a_password_is_refused_clearly():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(ValidationError, match="protégé par un mot de passe"):
        clean_upload(upload("verrou.pdf", out.getvalue()))


def test_a_pdf_protected_only_against_changes_is_accepted():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    clean = clean_upload(upload("imprime.pdf", out.getvalue()))
    assert not PdfReader(io.BytesIO(clean.data)).is_encrypted


# --- Images: cost counted before decoding --------------------------------------------------------------


def test_animated_gif_bomb_is_refused_before_decoding():
    """20 frames of 3000 × 3000 in a few kilobytes: 180 megapixels to decode, refused from the headers."""
    raw = animated_gif(20, (3000, 3000))
    assert len(raw) < 64 * 1024
    started = time.monotonic()
    with pytest.raises(ValidationError) as error:
        clean_upload(upload("meme.gif", raw))
    elapsed = time.monotonic() - started
    assert error.value.messages == [
        "« meme.gif » est une animation trop lourde à vérifier : 20 images de 3000 × 3000 pixels, soit "
        "180,0 mégapixels, pour 25,0 au plus. Joignez une capture d'une seule image."
    ]
    assert elapsed < 2.0  # nothing was decoded (the old sanitiser spent about 15 s here)


def test_thousands_of_tiny_frames_are_counted_on_the_whole_canvas(settings):
    settings.EVIDENCE_MAX_PIXELS = 1_000_000
    with pytest.raises(ValidationError, match="animation trop lourde"):
        clean_upload(upload("long.gif", animated_gif(300, (100, 100))))


def test_a_small_animation_keeps_its_frames_and_timing():
    raw = animated_gif(7, (60, 40))
    clean = clean_upload(upload("petit.gif", raw))
    image = Image.open(io.BytesIO(clean.data))
    assert image.n_frames == 7 and image.info.get("duration") == 100


def test_a_single_image_too_large_to_decode_is_refused(settings):
    settings.EVIDENCE_MAX_PIXELS = 1_000_000
    with pytest.raises(ValidationError) as error:
        clean_upload(upload("large.png", png_bytes(size=(2000, 1000))))
    assert error.value.messages == [
        "« large.png » est trop grand pour être vérifié : 2000 × 1000 pixels, soit 2,0 mégapixels, pour 1,0 "
        "au plus. Joignez une capture plus petite."
    ]


def test_the_whole_batch_has_a_pixel_budget_told_once(settings):
    settings.EVIDENCE_MAX_TOTAL_PIXELS = 1_000_000
    files = [upload(f"{n}.png", png_bytes(size=(1000, 400))) for n in range(3)]
    with pytest.raises(ValidationError) as error:
        clean_uploads(files)
    assert error.value.messages == [
        "Ces preuves sont trop lourdes à vérifier ensemble : 1,2 mégapixels, pour 1,0 au plus par envoi. "
        "Joignez moins de fichiers ou des captures plus petites."
    ]


def test_a_file_of_one_type_is_never_decoded_as_another():
    # A GIF header on PNG content: recognised as GIF, refused by the GIF decoder, never tried as PNG.
    with pytest.raises(ValidationError, match="endommagé ou illisible"):
        clean_upload(upload("x.gif", b"GIF89a" + png_bytes()))


# --- The process: deadline, memory, what it returns ---------------------------------------------------


def test_the_deadline_stops_the_work_and_says_which_files(settings):
    settings.EVIDENCE_SANITISE_SECONDS = 0.005  # far shorter than starting the process: nothing gets done
    started = time.monotonic()
    with pytest.raises(ValidationError) as error:
        clean_uploads([upload("a.png", png_bytes()), upload("b.png", png_bytes())])
    assert time.monotonic() - started < 1.5
    assert error.value.messages == [
        "« a.png » demande trop de traitement (plus de 0 s) : joignez une capture plus petite, ou moins de "
        "fichiers à la fois.",
        "« b.png » n'a pas pu être vérifié à temps : joignez moins de fichiers à la fois.",
    ]


@pytest.fixture
def fake_worker(tmp_path, monkeypatch):
    """Replace the sanitiser's process by a script of the test's choosing."""

    def install(source: str):
        script = tmp_path / "worker.py"
        script.write_text("import sys, struct, json, time\n" + source)
        monkeypatch.setattr(sandbox, "WORKER", script)

    return install


def test_a_process_that_hangs_is_killed_at_the_deadline(settings, fake_worker):
    """The web worker is free again within EVIDENCE_SANITISE_SECONDS (2 s), killing the process included:
    the deadline counts from the first upload read and keeps a reserve for the kill."""
    settings.EVIDENCE_SANITISE_SECONDS = 2.0
    # A decoder stuck in a loop, holding memory the system must free when the process is killed.
    fake_worker("sys.stdin.buffer.read()\nheld = bytearray(200 * 1024 * 1024)\ntime.sleep(60)\n")
    started = time.monotonic()
    with pytest.raises(ValidationError) as error:
        clean_upload(upload("a.png", png_bytes()))
    elapsed = time.monotonic() - started
    assert 1.5 <= elapsed < 2.0, elapsed
    assert error.value.messages == [
        "« a.png » demande trop de traitement (plus de 2 s) : joignez une capture plus petite, ou moins de "
        "fichiers à la fois."
    ]


class SlowUpload(SimpleUploadedFile):
    """An upload read from a slow temporary disk."""

    def read(self, *args):
        time.sleep(0.5)
        return super().read(*args)


def test_reading_the_uploads_counts_in_the_deadline(settings, fake_worker):
    settings.EVIDENCE_SANITISE_SECONDS = 2.0
    fake_worker("sys.stdin.buffer.read()\ntime.sleep(60)\n")
    started = time.monotonic()
    with pytest.raises(ValidationError, match="demande trop de traitement"):
        clean_upload(SlowUpload("a.png", png_bytes(), content_type="image/png"))
    assert time.monotonic() - started < 2.0


def test_a_process_that_dies_refuses_without_breaking_the_page(fake_worker):
    fake_worker("sys.exit(3)\n")
    with pytest.raises(ValidationError, match="n'a pas pu être vérifié : réessayez"):
        clean_upload(upload("a.png", png_bytes()))


def test_a_process_that_floods_its_output_is_stopped(settings, fake_worker):
    settings.EVIDENCE_MAX_BYTES = 100_000
    fake_worker("sys.stdin.buffer.read()\nwhile True:\n    sys.stdout.buffer.write(b'o' * 65536)\n")
    outcomes = sandbox.sanitise([sandbox.Item("image", "PNG", png_bytes())])
    assert [o.code for o in outcomes] == [sandbox.FAILED]


def test_what_the_process_returns_must_be_the_type_it_claims(fake_worker):
    html = b"<html><script>alert(1)</script></html>"
    fake_worker(
        "sys.stdin.buffer.read()\n"
        f"sys.stdout.buffer.write(b'o' + struct.pack('>I', {len(html)}) + {html!r})\n"
    )
    with pytest.raises(ValidationError, match="n'a pas pu être vérifié"):
        clean_upload(upload("a.png", png_bytes()))


def test_an_unknown_refusal_code_reads_as_unreadable(fake_worker):
    body = b'{"code": "<script>", "params": {"pixels": "x"}}'
    fake_worker(
        "sys.stdin.buffer.read()\n"
        f"sys.stdout.buffer.write(b'e' + struct.pack('>I', {len(body)}) + {body!r})\n"
    )
    with pytest.raises(ValidationError, match="endommagé ou illisible"):
        clean_upload(upload("a.png", png_bytes()))


def test_memory_is_limited_in_the_process_not_in_the_web_worker(settings):
    settings.EVIDENCE_SANITISE_MEMORY_MB = 120
    settings.EVIDENCE_SANITISE_SECONDS = 30  # the memory limit, not the deadline, must stop it
    with pytest.raises(ValidationError, match="mémoire|n'a pas pu être vérifié"):
        clean_upload(upload("grand.png", png_bytes(size=(6000, 4000))))


def test_the_process_is_an_isolated_interpreter_with_an_empty_environment(fake_worker, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "do-not-leak")
    fake_worker(
        "import os\nsys.stdin.buffer.read()\n"
        "body = json.dumps({'code': 'unreadable', 'params': {'env': len(os.environ), 'isolated': "
        "sys.flags.isolated, 'safe_path': int(sys.flags.safe_path)}}).encode()\n"
        "sys.stdout.buffer.write(b'e' + struct.pack('>I', len(body)) + body)\n"
    )
    [outcome] = sandbox.sanitise([sandbox.Item("image", "PNG", png_bytes())])
    assert outcome.params == {"env": 1, "isolated": 1, "safe_path": 1}
    assert sys.executable


# --- Through the declaration form: what the manager downloads ------------------------------------------


def test_the_manager_downloads_a_pdf_without_its_active_content(org, login):
    raw = HOSTILE_PDFS["link-next-javascript-and-attached-html"]()
    response = login(org.user("alice")).post(
        reverse("incidents:declare"),
        {
            "description": "Une publication",
            "platform": Incident.Platform.FACEBOOK,
            "seen_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "category": Incident.Category.REPUTATION,
            "still_online": Incident.StillOnline.YES,
            "concerned_kind": Incident.Concerned.INSTITUTION,
            "route_choice": Incident.RouteChoice.NORMAL,
            "evidence": [upload("publication.pdf", raw, "application/pdf")],
        },
    )
    assert response.status_code == 302
    item = Evidence.objects.get()
    download = login(org.user("bob")).get(reverse("incidents:evidence", args=[item.incident_id, item.pk]))
    data = b"".join(download.streaming_content)
    _reader, names, _streams = _all_objects(data)
    assert not names & ACTIVE_NAMES
    assert SCRIPT not in data and HTML not in data
