"""The roster's daily job (§7.4, docs/rules.md): expiry, renewal requests, designations of people who left."""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from portal.notifications.services import notify_people
from portal.workflow import transition

from .. import rules
from ..models import Designation, DesignationEvent
from ..rules import DESIGNATION_WORKFLOW
from ..selectors import renewal_due_filter
from . import common
from .common import Audience, lock_designation_pk, notification_context
from .designations import revoke_departed

logger = logging.getLogger(__name__)

Status = Designation.Status
Action = DesignationEvent.Action

def _expire(pk: int, day: datetime.date, audience: Audience) -> bool:
    """An open designation whose end date has passed expires (the portal acts); its people are told."""
    with transaction.atomic():
        designation = lock_designation_pk(pk)
        if (
            designation is None
            or not DESIGNATION_WORKFLOW.allows(designation.status, "expire")
            or designation.end_date >= day
        ):
            return False
        was_active = designation.status == Status.ACTIVE
        transition(
            designation,
            workflow=DESIGNATION_WORKFLOW,
            action="expire",
            actor=None,
            event={"action": Action.EXPIRED},
        )
        recipients = list(audience.leads_or_dcai(designation.direction_id))
        continues = designation.renewals.filter(status=Status.ACTIVE, start_date__lte=day).exists()
        if was_active and not continues and rules.person_is_active(designation):
            recipients.append(designation.profile.user)
        notify_people(
            "roster.designation_expired", recipients, target=designation, context=notification_context(designation)
        )
    return True


def _ask_renewal(pk: int, day: datetime.date, audience: Audience) -> bool:
    """Ask the direction, once, to renew an active designation that ends soon."""
    with transaction.atomic():
        # Conditional claim: two runs at once never both ask.
        claimed = Designation.objects.filter(pk=pk, status=Status.ACTIVE, renewal_requested_at=None).update(
            renewal_requested_at=timezone.now()
        )
        if not claimed:
            return False
        designation = lock_designation_pk(pk)
        transition(
            designation,
            workflow=DESIGNATION_WORKFLOW,
            action="request_renewal",
            actor=None,
            event={"action": Action.RENEWAL_REQUESTED},
        )
        notify_people(
            "roster.renewal_due",
            audience.leads_or_dcai(designation.direction_id),
            target=designation,
            context=notification_context(designation, days_left=(designation.end_date - day).days),
        )
    return True


def daily_maintenance(*, today: datetime.date | None = None) -> dict[str, int]:
    """§7.4 (docs/rules.md): expire designations past their end date and ask directions to renew 30 days
    before the end.

    Runs every hour and is idempotent: a designation expires once, and renewal is asked once
    (`renewal_requested_at`). Designations of people who left without the hook firing are revoked too (§6.3).
    """
    day = today or common.today()
    counts = {"expired": 0, "renewal_requested": 0, "revoked": 0}
    audience = Audience()

    departed = Designation.objects.filter(status__in=Designation.OPEN_STATUSES).filter(
        Q(profile__is_active=False) | Q(profile__user__is_active=False)
    )
    for pk in departed.values_list("pk", flat=True):
        counts["revoked"] += revoke_departed(pk, audience)

    expiring = Designation.objects.filter(
        status__in=DESIGNATION_WORKFLOW.states_allowing("expire"), end_date__lt=day
    )
    for pk in expiring.values_list("pk", flat=True):
        counts["expired"] += _expire(pk, day, audience)

    due = Designation.objects.filter(renewal_due_filter(day), renewal_requested_at=None)
    for pk in due.values_list("pk", flat=True):
        counts["renewal_requested"] += _ask_renewal(pk, day, audience)

    if any(counts.values()):
        logger.info("Roster maintenance on %s: %s", day.isoformat(), counts)
    return counts

