"""Incidents for tests: declared through the service, so routing and events are the real ones."""

import io
import struct
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from incidents.models import Incident
from incidents.services import incident_declare


def declare(declarer, **overrides) -> Incident:
    data = {
        "description": "Publication montrant une chambre de patient.",
        "platform": Incident.Platform.FACEBOOK,
        "links": "https://facebook.example/post/1",
        "seen_at": timezone.now() - timedelta(hours=1),
        "category": Incident.Category.REPUTATION,
        "patient_info_exposed": False,
        "still_online": Incident.StillOnline.YES,
        "concerned_kind": Incident.Concerned.INSTITUTION,
    }
    data.update(overrides)
    return incident_declare(declarer=declarer, **data)


def png_bytes(size=(40, 30), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def _gps_exif() -> bytes:
    image = Image.new("RGB", (1, 1))
    exif = image.getexif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "PhoneModel X"  # Model
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (45.0, 30.0, 36.0)
    gps[3] = "W"
    gps[4] = (73.0, 33.0, 0.0)
    return exif.tobytes()


def jpeg_with_gps() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(out, format="JPEG", exif=_gps_exif())
    return out.getvalue()


def pdf_bytes(title="Titre secret", author="Auteur secret") -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Title": title, "/Author": author})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def exe_bytes() -> bytes:
    return b"MZ" + b"\x90" * 58 + struct.pack("<I", 64) + b"PE\x00\x00" + b"\x00" * 200
