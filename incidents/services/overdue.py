"""Deadlines: an incident left past its level's deadline moves on by itself (docs/rules.md; the levels
of §7.6 and §7.4 each have a number of working days, incidents.deadlines). DCAI, the last level (§7.3),
is reminded once."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from portal.roles import dcai_officers

from .. import rules
from ..models import Event, Incident
from ..routing import next_route
from ..rules import handlers_for
from ._common import (
    MOVE_FIELDS,
    Level,
    change,
    level_context,
    log,
    move_to,
    notify_about,
    notify_declarer,
    notify_routed,
)

BATCH = 200


def _escalate_one(pk: int, now: datetime) -> bool:
    with transaction.atomic():
        # skip_locked: a second beat running at the same time passes over rows the first one holds;
        # the filter re-checked under the lock makes a late run find nothing left to do.
        incident = (
            Incident.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, level__in=[Level.MANAGER, Level.DIRECTION], deadline_at__lt=now)
            .first()
        )
        if incident is None:
            return False
        route = next_route(incident)
        previous_handlers = list(handlers_for(incident).values_list("pk", flat=True))
        from_level = incident.level
        move_to(incident, route, now)
        incident.auto_escalations += 1
        incident.missed_deadline = True
        # The portal itself escalates (no actor): the status map still decides the new status.
        change(
            incident,
            action=rules.ESCALATE,
            kind=Event.Kind.ESCALATED_OVERDUE,
            actor=None,
            from_level=from_level,
            reason=route.why,
            visible_to_declarer=True,
            update_fields=(*MOVE_FIELDS, "auto_escalations", "missed_deadline"),
        )
        notify_about(incident, "incidents.deadline_passed", previous_handlers, context={"level": from_level})
        notify_routed(incident, actor=None, overdue=True)
        notify_declarer(incident, incident.level, actor=None, context=level_context(incident))
        return True


def _remind_dcai(pk: int, now: datetime) -> bool:
    with transaction.atomic():
        claimed = Incident.objects.filter(
            pk=pk, level=Level.DCAI, deadline_at__lt=now, overdue_notified_at__isnull=True
        ).update(overdue_notified_at=now, missed_deadline=True)
        if not claimed:
            return False
        incident = Incident.objects.get(pk=pk)
        log(incident, kind=Event.Kind.OVERDUE, actor=None)
        notify_about(incident, "incidents.deadline_passed", dcai_officers(), context={"level": Level.DCAI})
        return True


def incidents_escalate_overdue(*, now: datetime | None = None) -> dict[str, int]:
    """Move every overdue manager- or direction-level incident to the next level; remind DCAI once
    (docs/rules.md; the status map's `escalate`, with no actor: the portal itself).

    Idempotent and safe when two beats run: each row is claimed under a lock or by a conditional update.
    """
    now = now or timezone.now()
    escalated = reminded = 0
    last_pk = 0
    while True:
        pks = list(
            Incident.objects.filter(
                level__in=[Level.MANAGER, Level.DIRECTION], deadline_at__lt=now, pk__gt=last_pk
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        if not pks:
            break
        last_pk = pks[-1]
        escalated += sum(_escalate_one(pk, now) for pk in pks)
    last_pk = 0
    while True:
        pks = list(
            Incident.objects.filter(
                level=Level.DCAI, deadline_at__lt=now, overdue_notified_at__isnull=True, pk__gt=last_pk
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        if not pks:
            break
        last_pk = pks[-1]
        reminded += sum(_remind_dcai(pk, now) for pk in pks)
    return {"escalated": escalated, "reminded": reminded}
