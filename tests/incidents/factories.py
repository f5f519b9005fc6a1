"""Incidents for tests.

`declare` goes through the service, so routing, events and notifications are the real ones: use it
when the test is about them. `build_incidents` writes many valid rows at once, for tests that only need
incidents to exist (list pages, query counts): a few queries whatever the number.
"""

import io
import struct
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from PIL import Image

from incidents.deadlines import deadline_for
from incidents.models import Incident, ReferenceCounter
from incidents.services import incident_declare
from portal.models import StaffProfile


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


def _references(count: int, year: int) -> list[str]:
    """`count` references of `year`, reserved in one step on the same counter as the service."""
    with transaction.atomic():
        ReferenceCounter.objects.bulk_create([ReferenceCounter(year=year, last=0)], ignore_conflicts=True)
        ReferenceCounter.objects.filter(year=year).update(last=F("last") + count)
        last = ReferenceCounter.objects.get(year=year).last
    return [f"INC-{year}-{n:05d}" for n in range(last - count + 1, last + 1)]


def build_incidents(
    count: int,
    *,
    declarer,
    level: str = Incident.Level.MANAGER,
    status: str | None = None,
    closed_by=None,
    outcome: str = Incident.Outcome.UNFOUNDED,
    deadline_at=None,
    **fields,
) -> list[Incident]:
    """`count` incidents of `declarer`, at `level`, written with one bulk insert (no events, no
    notifications). The handler of the level is the one routing would pick for the declarer: their
    manager, their direction; `level=CLOSED` closes them at manager level, by `closed_by` or that manager.
    Any other field of Incident may be given (the same value for all)."""
    profile = StaffProfile.objects.select_related("manager__user", "direction").get(user=declarer)
    now = timezone.now()
    closed = level == Incident.Level.CLOSED
    values = {
        "declarer": declarer,
        "description": "Publication à vérifier.",
        "platform": Incident.Platform.FACEBOOK,
        "seen_at": now - timedelta(hours=1),
        "category": Incident.Category.REPUTATION,
        "patient_info_exposed": False,
        "concerned_kind": Incident.Concerned.INSTITUTION,
        "direction": profile.direction,
        "level": level,
        "status": status or (Incident.Status.CLOSED if closed else Incident.Status.OPEN),
        "assigned_manager": profile.manager if level in (Incident.Level.MANAGER, Incident.Level.CLOSED) else None,
        "assigned_direction": profile.direction if level == Incident.Level.DIRECTION else None,
        "deadline_at": None if closed else (deadline_at or deadline_for(level, now)),
        **fields,
    }
    if closed:
        values.update(
            outcome=outcome,
            closure_reason=values.get("closure_reason") or "Non fondé.",
            closed_at=now,
            closed_at_level=Incident.Level.MANAGER,
            closed_by=closed_by or profile.manager.user,
        )
    references = _references(count, timezone.localdate(now).year)
    return Incident.objects.bulk_create([Incident(reference=reference, **values) for reference in references])


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
