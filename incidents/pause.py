"""The deadline pauses while a question waits for the declarer (docs/rules.md, "Deadline pause").

A handler who asks the declarer for information (§7.7) cannot act until the answer comes: the level's
deadline must not run out meanwhile. When the question is asked the deadline moves
`INCIDENT_DECLARER_PAUSE_DAYS` later (the longest pause); when the answer arrives earlier the unused part
is given back. So the pause ends by itself after that time and the overdue job
(`incidents.services.overdue`) needs no special case: it reads `deadline_at` as always.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from .models import Incident

PAUSE_FIELDS = ("deadline_at", "deadline_paused_at", "deadline_pause_ends_at")


def pause_length() -> timedelta:
    return timedelta(days=float(settings.INCIDENT_DECLARER_PAUSE_DAYS))


def pause_deadline(incident: Incident, now: datetime) -> None:
    """Start a pause (a second question while one is running changes nothing). Fields only: the caller saves."""
    if incident.is_closed or incident.deadline_at is None or is_paused(incident, now):
        return
    length = pause_length()
    if length <= timedelta(0):
        return
    incident.deadline_paused_at = now
    incident.deadline_pause_ends_at = now + length
    incident.deadline_at += length


def resume_deadline(incident: Incident, now: datetime) -> None:
    """The answer arrived: give back what is left of the pause, and end it. Fields only: the caller saves."""
    if is_paused(incident, now) and incident.deadline_at is not None:
        incident.deadline_at -= incident.deadline_pause_ends_at - now
    clear_pause(incident)


def clear_pause(incident: Incident) -> None:
    """A new level or the closure ends any pause (the new deadline is the level's own)."""
    incident.deadline_paused_at = None
    incident.deadline_pause_ends_at = None


def is_paused(incident: Incident, now: datetime) -> bool:
    ends = incident.deadline_pause_ends_at
    return incident.deadline_paused_at is not None and ends is not None and now < ends


@dataclass(frozen=True)
class PauseState:
    since: datetime
    until: datetime


def pause_state(incident: Incident, now: datetime) -> PauseState | None:
    """What the incident page shows: since when the deadline is paused and until when at the latest."""
    if not is_paused(incident, now):
        return None
    return PauseState(since=incident.deadline_paused_at, until=incident.deadline_pause_ends_at)
