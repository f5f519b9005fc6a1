"""DCAI reopens a closed incident, with a reason (§7.3: DCAI is the last level and closes; it alone may
take a closure back).

The incident goes to the DCAI level, "taken in charge" by the officer who reopened it, with the DCAI
level's deadline counted afresh (incidents.deadlines). The closing fields (outcome, reason, date, by whom,
at which level) are cleared, as the database's closure constraint requires of an open incident; the
previous closure stays in the history: its "closed" event (date, who, level, reason, outcome) and the
"reopened" event, which carries the reason given and the outcome it undid. The e-reputation facts
(takedown requested, reply published) stay true and stay.

Retention runs from the closure (incidents.retention): a reopened incident is no longer closed, so it is
not purged; its next closure starts the period again. An incident already purged has nothing left to
handle and is not reopened. The register entry, or the reasoned decision, stays as it is
(incidents.services.compliance): it describes the incident, not its closure.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.workflow import lock

from .. import rules
from ..models import Event, Incident, RetentionLog
from ..routing import Route
from ._common import (
    MOVE_FIELDS,
    IncidentActionError,
    Level,
    change,
    level_context,
    move_to,
    notify_about,
    notify_declarer,
    require,
)
from .handling import earlier_handlers

REOPEN_REASON_MIN_LENGTH = 15

CLOSING_FIELDS = ("outcome", "closure_reason", "closed_at", "closed_by", "closed_at_level")


def reopen_reason_error(reason: str) -> str | None:
    """The message for a reason too short to explain a reopening, or None (the form says the same)."""
    if len(reason.strip()) < REOPEN_REASON_MIN_LENGTH:
        return _("Expliquez en au moins %(min)d caractères pourquoi l'incident est rouvert.") % {
            "min": REOPEN_REASON_MIN_LENGTH
        }
    return None


def incident_reopen(*, incident: Incident, actor: AbstractBaseUser, reason: str) -> Incident:
    """§7.3: a DCAI officer who may see the closed incident reopens it with a reason.

    Never the person concerned (they never see it: `incidents.rules.is_concerned`). An incident that is
    not closed, or whose texts and files were purged, is refused with a message and nothing changes.
    The declarer and the handlers (DCAI, and the manager and direction that had it) are told the stage,
    never the reason or any content.
    """
    reason = reason.strip()
    error = reopen_reason_error(reason)
    if error:
        raise IncidentActionError({"reason": [error]})
    with transaction.atomic():
        incident = lock(incident)
        if not incident.is_closed:
            raise IncidentActionError(_("Cet incident n'est pas fermé : il n'y a rien à rouvrir."))
        # Who may reopen: the answer the page used for the button (DCAI, never the person concerned).
        require(actor, incident, rules.REOPEN)
        if RetentionLog.objects.filter(action=RetentionLog.Action.INCIDENT_PURGED, incident=incident).exists():
            raise IncidentActionError(
                _("Cet incident a été épuré (délai de conservation échu) : il ne peut plus être rouvert.")
            )
        previous_outcome = incident.outcome
        now = timezone.now()
        move_to(incident, Route(Level.DCAI), now)
        for name in CLOSING_FIELDS:
            setattr(incident, name, None if name in ("closed_at", "closed_by") else "")
        # The officer who reopened it holds it (the status map: "reopen" leads to "taken in charge").
        incident.taken_in_charge_by = actor
        incident.taken_in_charge_at = now
        if incident.taken_dcai_at is None:
            incident.taken_dcai_at = now
        change(
            incident,
            action=rules.REOPEN,
            kind=Event.Kind.REOPENED,
            actor=actor,
            from_level=Level.CLOSED,
            note=reason,
            visible_to_declarer=True,
            update_fields=[*MOVE_FIELDS, *CLOSING_FIELDS, "taken_dcai_at"],
            outcome=previous_outcome,
        )
        context = level_context(incident)
        notify_declarer(incident, "reopened", actor=actor, context=context)
        notify_about(
            incident,
            "incidents.reopened",
            # DCAI, and the manager and direction leads who had it (told of its closure, told of this).
            [*rules.handlers_for(incident), *earlier_handlers(incident)],
            actor=actor,
            context=context,
        )
    return incident
