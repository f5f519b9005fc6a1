"""A small institution whose figures are counted by hand (tests of incidents.statistics)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import count

from django.utils import timezone

from incidents.models import Incident, RegisterEntry, Takedown
from tests.incidents.test_register import values as register_values

_numbers = count(1)
Level, Outcome = Incident.Level, Incident.Outcome


def at(day: str, hour: int = 9, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(date.fromisoformat(day), datetime.min.time()).replace(
        hour=hour, minute=minute
    ))


def incident(declarer, *, created: datetime, direction, level: str, closed_at_level: str = "", outcome: str = "",
             closed_after: timedelta | None = None, deadline: datetime | None = None, **fields) -> Incident:
    """One incident written as it would be after its life in the services (no event rows)."""
    closed = level == Level.CLOSED
    row = Incident.objects.create(
        reference=f"INC-T-{next(_numbers):05d}",
        declarer=declarer,
        description="Contenu à ne jamais montrer dans les statistiques.",
        platform=fields.pop("platform", Incident.Platform.FACEBOOK),
        seen_at=created - timedelta(hours=1),
        category=fields.pop("category", Incident.Category.REPUTATION),
        patient_info_exposed=False,
        concerned_kind=Incident.Concerned.INSTITUTION,
        direction=direction,
        level=level,
        status=Incident.Status.CLOSED if closed else Incident.Status.OPEN,
        assigned_direction=direction if level == Level.DIRECTION else None,
        deadline_at=None if closed else (deadline or created + timedelta(days=400)),
        outcome=outcome if closed else "",
        closure_reason="Motif." if closed else "",
        closed_at=created + closed_after if closed else None,
        closed_at_level=closed_at_level if closed else "",
        **fields,
    )
    Incident.objects.filter(pk=row.pk).update(created_at=created)
    row.refresh_from_db()
    return row


def takedown(incident_row, *, requested: datetime, removed: datetime | None, by) -> Takedown:
    return Takedown.objects.create(
        incident=incident_row, requested_to="platform", requested_at=requested, removed_seen_at=removed, recorded_by=by
    )


def register_entry(incident_row, *, by, learned: date, **overrides) -> RegisterEntry:
    data = register_values(incident_start=learned - timedelta(days=2), learned_start=learned, **overrides)
    return RegisterEntry.objects.create(
        incident=incident_row, created_by=by, keep_until=learned.replace(year=learned.year + 6), **data
    )
