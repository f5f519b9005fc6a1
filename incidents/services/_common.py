"""Shared steps of every incident state change: lock, check, record, notify."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet

from portal.notifications.services import notify

from ..deadlines import deadline_for
from ..models import Event, Incident
from ..routing import Route, handlers_for
from ..selectors import available_actions

Level = Incident.Level
Status = Incident.Status


class IncidentActionError(ValidationError):
    """The action is not possible in the incident's present state (a clear message, nothing changed)."""


def lock(incident: Incident) -> Incident:
    return Incident.objects.select_for_update().get(pk=incident.pk)


def require(actor: AbstractBaseUser, incident: Incident, action: str) -> None:
    """Re-check on the locked row: the page the actor saw may be out of date."""
    if action not in available_actions(actor, incident):
        raise PermissionDenied(action)


def record(
    incident: Incident,
    *,
    kind: str,
    actor: AbstractBaseUser | None,
    before: tuple[str, str] | None = None,
    note: str = "",
    reason: str = "",
    visible_to_declarer: bool = False,
) -> Event:
    from_level, from_status = before or (incident.level, incident.status)
    return Event.objects.create(
        incident=incident,
        actor=actor,
        kind=kind,
        from_level=from_level,
        from_status=from_status,
        to_level=incident.level,
        to_status=incident.status,
        note=note,
        reason=reason,
        visible_to_declarer=visible_to_declarer,
    )


def tell(
    kind: str,
    recipients: Iterable[AbstractBaseUser] | QuerySet,
    incident: Incident,
    *,
    actor: AbstractBaseUser | None = None,
    context: dict | None = None,
    urgent: bool | None = None,
) -> int:
    """Notify each person once; never the person concerned (§ DESIGN 7), never the actor themself.

    The context carries codes and dates only: never the incident's text or anyone's name.
    """
    excluded: set[int] = set()
    if actor is not None:
        excluded.add(actor.pk)
    if incident.concerned_staff_id:
        excluded.add(incident.concerned_staff.user_id)
    sent = 0
    seen: set[int] = set()
    for user in recipients:
        if user.pk in excluded or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        notify(kind=kind, recipient=user, target=incident, context=context or {}, urgent=urgent)
        sent += 1
    return sent


def level_context(incident: Incident) -> dict:
    context = {"level": incident.level}
    if incident.deadline_at and not incident.is_closed:
        context["deadline"] = incident.deadline_at.date().isoformat()
    return context


def move_to(incident: Incident, route: Route, now: datetime) -> None:
    """Put the incident at a new level with that level's deadline; a new handler takes it in charge."""
    incident.level = route.level
    incident.status = Status.OPEN
    if route.level == Level.MANAGER:
        incident.assigned_manager = route.manager
    if route.level == Level.DIRECTION:
        incident.assigned_direction = route.direction
    incident.deadline_at = deadline_for(route.level, now)
    incident.overdue_notified_at = None
    incident.taken_in_charge_by = None
    incident.taken_in_charge_at = None


def notify_routed(incident: Incident, *, actor: AbstractBaseUser | None, overdue: bool = False) -> None:
    context = level_context(incident)
    if overdue:
        context["overdue"] = True
    tell(
        "incidents.routed",
        handlers_for(incident),
        incident,
        actor=actor,
        context=context,
        urgent=True if incident.urgent else None,
    )
