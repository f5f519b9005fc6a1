"""Evidence files: content-checked, sanitised, private, downloaded through an access-checked view."""

import hashlib
import io

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from incidents.evidence import clean_upload, clean_uploads, private_path
from incidents.models import AccessLog, Evidence, Incident

from .factories import declare, exe_bytes, jpeg_with_gps, pdf_bytes, png_bytes, upload


def test_png_is_accepted_and_re_encoded():
    clean = clean_upload(upload("capture.png", png_bytes()))
    assert clean.content_type == "image/png" and clean.extension == "png"
    assert Image.open(io.BytesIO(clean.data)).size == (40, 30)


def test_jpeg_location_and_device_are_stripped():
    raw = jpeg_with_gps()
    original = Image.open(io.BytesIO(raw)).getexif()
    assert original.get_ifd(0x8825) and original.get(0x010F) == "PhoneMaker"  # the test file really has them
    clean = clean_upload(upload("photo.jpg", raw))
    exif = Image.open(io.BytesIO(clean.data)).getexif()
    assert not exif.get_ifd(0x8825)
    assert 0x010F not in exif and 0x0110 not in exif
    assert b"PhoneMaker" not in clean.data and b"Exif" not in clean.data


def test_webp_and_gif_are_accepted():
    for fmt, mime in (("WEBP", "image/webp"), ("GIF", "image/gif")):
        out = io.BytesIO()
        Image.new("RGB", (10, 10), (1, 2, 3)).save(out, format=fmt)
        assert clean_upload(upload(f"x.{fmt.lower()}", out.getvalue())).content_type == mime


def test_pdf_metadata_is_dropped():
    raw = pdf_bytes()
    assert PdfReader(io.BytesIO(raw)).metadata.title == "Titre secret"
    clean = clean_upload(upload("page.pdf", raw))
    reader = PdfReader(io.BytesIO(clean.data))
    assert len(reader.pages) == 1
    assert not (reader.metadata or {}).get("/Title") and not (reader.metadata or {}).get("/Author")
    assert b"Titre secret" not in clean.data


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("capture.png", exe_bytes()),  # right extension, wrong content
        ("rapport.pdf", b"Just some text, not a PDF"),
        ("page.png", b"<html><script>alert(1)</script></html>"),
        ("capture.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100),  # PNG signature, broken body
        ("doc.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ],
)
def test_wrong_content_is_refused_whatever_the_name(name, data):
    with pytest.raises(ValidationError) as error:
        clean_upload(upload(name, data, "image/png"))
    assert name in error.value.messages[0]


def test_oversize_is_refused(settings):
    settings.EVIDENCE_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match="taille maximale"):
        clean_upload(upload("big.png", png_bytes(size=(300, 300), color=(1, 2, 3)) + b"\x00" * 2000))


def test_too_many_files_are_refused(settings):
    settings.EVIDENCE_MAX_FILES = 2
    with pytest.raises(ValidationError, match="au plus 2 fichiers"):
        clean_uploads([upload(f"{n}.png", png_bytes()) for n in range(3)])


def test_all_bad_files_are_reported_together():
    with pytest.raises(ValidationError) as error:
        clean_uploads([upload("a.png", b"nope"), upload("ok.png", png_bytes()), upload("b.pdf", b"nope")])
    assert len(error.value.messages) == 2


def test_files_are_stored_privately_with_their_checksum(org):
    incident = declare(
        org.user("alice"), evidence=clean_uploads([upload("../../etc/passwd.png", png_bytes())])
    )
    item = Evidence.objects.get(incident=incident)
    path = private_path(item.stored_name)
    assert path.is_file() and str(path).startswith(str(django_settings.PRIVATE_STORAGE_ROOT.resolve()))
    assert str(django_settings.MEDIA_ROOT) not in str(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == item.sha256
    assert item.size == path.stat().st_size
    assert item.original_name == "passwd.png"
    with pytest.raises(ValueError):
        private_path("../../outside.png")


def test_download_is_an_attachment_and_is_logged(org, login):
    incident = declare(org.user("alice"), evidence=clean_uploads([upload("capture.png", png_bytes())]))
    item = Evidence.objects.get(incident=incident)
    response = login(org.user("bob")).get(reverse("incidents:evidence", args=[incident.pk, item.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="capture.png"' in response["Content-Disposition"]
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == private_path(item.stored_name).read_bytes()
    log = AccessLog.objects.get(action="download")
    assert (log.user, log.evidence, log.incident) == (org.user("bob"), item, incident)


def _form_data(**overrides):
    data = {
        "description": "Un texte bien précis à conserver",
        "platform": "instagram",
        "links": "https://instagram.example/p/1",
        "seen_at": "2026-01-05T10:00",
        "category": "reputation",
        "still_online": "yes",
        "concerned_kind": "institution",
        "route_choice": "normal",
    }
    data.update(overrides)
    return data


def test_bad_file_keeps_the_rest_of_the_form(org, login):
    response = login(org.user("alice")).post(
        reverse("incidents:declare"), _form_data(evidence=[upload("capture.png", exe_bytes())])
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "capture.png" in page and "ni une capture" in page
    assert "Un texte bien précis à conserver" in page
    assert "https://instagram.example/p/1" in page
    assert not Incident.objects.exists() and not Evidence.objects.exists()


def test_too_many_files_through_the_form(org, login, settings):
    settings.EVIDENCE_MAX_FILES = 1
    response = login(org.user("alice")).post(
        reverse("incidents:declare"),
        _form_data(evidence=[upload("a.png", png_bytes()), upload("b.png", png_bytes())]),
    )
    assert response.status_code == 400 and "au plus 1 fichiers" in response.content.decode()
    assert not Incident.objects.exists()


def test_limits_are_shown_on_the_form(org, login, settings):
    settings.EVIDENCE_MAX_FILES = 3
    settings.EVIDENCE_MAX_BYTES = 2 * 1024 * 1024
    page = login(org.user("alice")).get(reverse("incidents:declare")).content.decode()
    assert "au plus 3 fichiers de 2,0\xa0Mio" in page
    assert 'accept="application/pdf,image/gif,image/jpeg,image/png,image/webp"' in page


def test_declaring_with_files_through_the_form(org, login):
    response = login(org.user("alice")).post(
        reverse("incidents:declare"),
        _form_data(evidence=[upload("photo.jpg", jpeg_with_gps()), upload("page.pdf", pdf_bytes())]),
    )
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert sorted(incident.evidence.values_list("content_type", flat=True)) == [
        "application/pdf",
        "image/jpeg",
    ]
    jpeg = incident.evidence.get(content_type="image/jpeg")
    assert not Image.open(private_path(jpeg.stored_name)).getexif().get_ifd(0x8825)
