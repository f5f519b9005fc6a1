"""Shared steps of every incident state change: lock, check, record, notify (docs/architecture.md).

- `portal.workflow.lock` the row, then `require` the action: the same answer the page used to show the button
  (`incidents.selectors.available_actions`: the status map and who may act), asked again on the
  locked row because the page may be out of date. Not offered: 403.
- `change` moves the incident by an action of `incidents.rules.INCIDENT_WORKFLOW` and writes the event
  row (`portal.workflow.transition`), with the level before and after; `log` writes an event that
  changes no status.
- `notify_about` is the one way an incident tells people anything: never the person concerned.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet

from portal.notifications.services import notify_people
from portal.workflow import record_event, transition

from ..deadlines import deadline_for
from ..models import Event, Incident
from ..pause import clear_pause
from ..routing import Route
from ..rules import INCIDENT_WORKFLOW, handlers_for
from ..selectors import available_actions

Level = Incident.Level


class IncidentActionError(ValidationError):
    """The action is not possible in the incident's present state (a clear message, nothing changed)."""


def require(actor: AbstractBaseUser, incident: Incident, action: str) -> None:
    """Re-check on the locked row what the page offered: the page the actor saw may be out of date."""
    if action not in available_actions(actor, incident):
        raise PermissionDenied(action)


def change(
    incident: Incident,
    *,
    action: str,
    kind: str,
    actor: AbstractBaseUser | None,
    from_level: str | None = None,
    note: str = "",
    reason: str = "",
    visible_to_declarer: bool = False,
    update_fields: Iterable[str] | None = None,
    outcome: str = "",
) -> Event:
    """Move a locked incident by `action` (the status map decides the new status), save it and write
    the event row. `from_level` is the level before, when the caller already moved the incident;
    `outcome`: the closure's outcome (a closure, or the one a reopening undid)."""
    return transition(
        incident,
        workflow=INCIDENT_WORKFLOW,
        action=action,
        actor=actor,
        note=note,
        update_fields=update_fields,
        event={
            "kind": kind,
            "from_level": incident.level if from_level is None else from_level,
            "to_level": incident.level,
            "reason": reason,
            "visible_to_declarer": visible_to_declarer,
            "outcome": outcome,
        },
    )


def log(
    incident: Incident,
    *,
    kind: str,
    actor: AbstractBaseUser | None,
    note: str = "",
    reason: str = "",
    visible_to_declarer: bool = False,
    new: bool = False,
) -> Event:
    """An event that leaves the status and the level as they are; `new`: the first events of a
    declaration, which come from nothing."""
    return record_event(
        incident,
        actor=actor,
        before="" if new else incident.status,
        after=incident.status,
        note=note,
        kind=kind,
        from_level="" if new else incident.level,
        to_level=incident.level,
        reason=reason,
        visible_to_declarer=visible_to_declarer,
    )


def concerned_user_id(incident: Incident) -> int | None:
    if not incident.concerned_staff_id:
        return None
    return incident.concerned_staff.user_id


def notify_about(
    incident: Incident,
    kind: str,
    recipients: Iterable[AbstractBaseUser | int] | QuerySet,
    *,
    actor: AbstractBaseUser | None = None,
    context: dict | None = None,
    urgent: bool | None = None,
) -> int:
    """Tell each active person once; never the person concerned (docs/rules.md), never the actor.

    The context carries codes and dates only: never the incident's text or anyone's name.
    """
    if isinstance(recipients, (list, tuple)):
        # An anonymous or external declaration has no declarer (`declarer_id` None): nobody to tell.
        recipients = [person for person in recipients if person is not None]
    return notify_people(
        kind,
        recipients,
        target=incident,
        actor=actor,
        exclude=[concerned_user_id(incident)],
        context=context or {},
        urgent=urgent,
    )


# The stages a declarer is told of, each by its own title (incidents/apps.py): one notice per stage.
DECLARER_STAGE_KINDS = {
    "taken": "incidents.declaration_taken",
    Level.DIRECTION: "incidents.declaration_to_direction",
    Level.DCAI: "incidents.declaration_to_dcai",
    Level.CLOSED: "incidents.declaration_closed",
    "reopened": "incidents.declaration_reopened",
}


def first_taken_in_charge(incident: Incident) -> bool:
    """No level took the incident in charge before: the declarer hears of it once, not at every level."""
    return not any(getattr(incident, f"taken_{level}_at") for level in (Level.MANAGER, Level.DIRECTION, Level.DCAI))


def notify_declarer(incident: Incident, stage: str, *, actor: AbstractBaseUser | None, context: dict) -> int:
    """The declarer learns the stage their declaration reached, named in the title; never its content."""
    return notify_about(incident, DECLARER_STAGE_KINDS[stage], [incident.declarer_id], actor=actor, context=context)


def level_context(incident: Incident) -> dict:
    context = {"level": incident.level}
    if incident.deadline_at and not incident.is_closed:
        context["deadline"] = incident.deadline_at.date().isoformat()
    return context


# Fields a move to another level changes, besides the status.
MOVE_FIELDS = (
    "level",
    "assigned_manager",
    "assigned_direction",
    "deadline_at",
    "overdue_notified_at",
    "taken_in_charge_by",
    "taken_in_charge_at",
    "reached_manager_at",
    "reached_direction_at",
    "reached_dcai_at",
    "deadline_paused_at",
    "deadline_pause_ends_at",
)


def move_to(incident: Incident, route: Route, now: datetime) -> None:
    """Put the incident at a new level with that level's deadline; a new handler takes it in charge.

    The status (back to "to take in charge") is the status map's (`escalate`), set by `change`.
    """
    incident.level = route.level
    if route.level == Level.MANAGER:
        incident.assigned_manager = route.manager
    if route.level == Level.DIRECTION:
        incident.assigned_direction = route.direction
    incident.deadline_at = deadline_for(route.level, now)
    # The statistics read when each level was reached (levels only go up: each is reached once).
    reached = f"reached_{route.level}_at"
    if getattr(incident, reached, None) is None:
        setattr(incident, reached, now)
    incident.overdue_notified_at = None
    clear_pause(incident)
    incident.taken_in_charge_by = None
    incident.taken_in_charge_at = None


def notify_routed(incident: Incident, *, actor: AbstractBaseUser | None, overdue: bool = False) -> None:
    """§7.6, §7.4, §7.3: the people handling the incident at its new level are told (urgent ones urgently)."""
    context = level_context(incident)
    if overdue:
        context["overdue"] = True
    notify_about(
        incident,
        "incidents.routed",
        handlers_for(incident),
        actor=actor,
        context=context,
        urgent=True if incident.urgent else None,
    )
