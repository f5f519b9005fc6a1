"""Reminders and follow-up while a campaign is launched (§7.5 HR informs every user; §7.6 managers).

The portal reminds on each campaign's rhythm and, once the due date has passed, tells each manager how
many of their team have not confirmed (a count and a link, never names); a manager may remind their own
team once per cooldown. Periodic runs claim their work with a conditional update, so two runs never
remind twice.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from policies.models import PolicyVersion
from portal.notifications.services import notify_people
from portal.roles import roles_for
from portal.workflow import lock

from ..models import AcknowledgementRequest, Campaign, ManagerFollowUp
from ..notifications import KIND_REMINDER, KIND_TEAM_OVERDUE
from ..selectors import can_follow_team, next_team_reminder_at
from ..workflow import CAMPAIGN_WORKFLOW, REMIND, REMINDABLE_STATUSES
from .enrolment import INSERT_BATCH, request_link
from .lifecycle import resume_stalled_launches

logger = logging.getLogger(__name__)
# A person reminded (or asked) less than this long ago is not reminded again by the rhythm.
RECENTLY = timedelta(hours=20)


def _open_requests(campaign: Campaign) -> QuerySet[AcknowledgementRequest]:
    return AcknowledgementRequest.objects.filter(
        campaign=campaign, satisfied_at=None, profile__is_active=True
    )


def _remind(
    campaign: Campaign,
    requests: QuerySet[AcknowledgementRequest],
    now: datetime,
    actor: AbstractBaseUser | None = None,
) -> int:
    """One reminder per open request, grouped by due date (new staff have their own)."""
    rows = list(requests.values_list("pk", "profile__user_id", "due_on"))
    by_due: dict[date, list[int]] = {}
    for _pk, user_id, due in rows:
        by_due.setdefault(due, []).append(user_id)
    link = request_link(campaign)
    for due, user_ids in by_due.items():
        notify_people(
            KIND_REMINDER, user_ids, target=campaign, actor=actor, context={"due_on": due.isoformat()}, link=link
        )
    ids = [pk for pk, _u, _d in rows]
    for start in range(0, len(ids), INSERT_BATCH):
        AcknowledgementRequest.objects.filter(pk__in=ids[start : start + INSERT_BATCH]).update(
            last_reminded_at=now
        )
    return len(rows)


def campaign_send_reminders(*, campaign: Campaign, now: datetime | None = None) -> int:
    """§7.5: remind, on the campaign's rhythm, everyone who has not confirmed yet. Returns reminders written.

    The day is claimed with a conditional update so two runs never remind twice.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not CAMPAIGN_WORKFLOW.allows(campaign.status, REMIND) or campaign.launched_at is None:
        return 0
    anchor = campaign.last_reminder_on or timezone.localdate(campaign.launched_at)
    if today < anchor + timedelta(days=campaign.reminder_every_days):
        return 0
    recent = now - RECENTLY
    with transaction.atomic():
        claimed = Campaign.objects.filter(
            pk=campaign.pk, status__in=REMINDABLE_STATUSES, last_reminder_on=campaign.last_reminder_on
        ).update(last_reminder_on=today)
        if not claimed:
            return 0
        campaign.last_reminder_on = today
        pending = _open_requests(campaign).filter(created_at__lt=recent).exclude(last_reminded_at__gte=recent)
        return _remind(campaign, pending, now)


def campaign_send_overdue_notices(*, campaign: Campaign, now: datetime | None = None) -> int:
    """§7.6: after the due date each manager is told, once, how many of their team have not confirmed.

    The notice carries a count and a link to the team page, never names (docs/rules.md).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    if (
        not CAMPAIGN_WORKFLOW.allows(campaign.status, REMIND)
        or campaign.is_continuous
        or campaign.overdue_notices_sent_at is not None
        or today <= campaign.due_on
    ):
        return 0
    with transaction.atomic():
        claimed = Campaign.objects.filter(pk=campaign.pk, overdue_notices_sent_at=None).update(
            overdue_notices_sent_at=now
        )
        if not claimed:
            return 0
        campaign.overdue_notices_sent_at = now
        per_manager = (
            _open_requests(campaign)
            .filter(due_on__lt=today, profile__manager__isnull=False, profile__manager__is_active=True)
            .values("profile__manager__user_id")
            .annotate(count=Count("pk"))
            .order_by()
        )
        link = reverse("campaigns:team", args=[campaign.pk])
        # Managers with the same count share one context, so each group is one bulk write.
        by_count: dict[int, list[int]] = {}
        for row in per_manager:
            by_count.setdefault(row["count"], []).append(row["profile__manager__user_id"])
        for count, manager_ids in by_count.items():
            notify_people(
                KIND_TEAM_OVERDUE,
                manager_ids,
                target=campaign,
                context={"count": count, "due_on": campaign.due_on.isoformat()},
                link=link,
            )
    return sum(len(ids) for ids in by_count.values())


def campaign_remind_team(*, campaign: Campaign, actor: AbstractBaseUser, now: datetime | None = None) -> int:
    """§7.6: a manager reminds their direct reports who have not confirmed; once per cooldown
    (settings.CAMPAIGN_TEAM_REMINDER_HOURS, see `next_team_reminder_at`). Returns reminders written."""
    now = now or timezone.now()
    if not can_follow_team(actor):
        raise PermissionDenied
    manager = roles_for(actor).profile
    with transaction.atomic():
        campaign = lock(campaign)
        if not CAMPAIGN_WORKFLOW.allows(campaign.status, REMIND):
            raise ValidationError(
                _("Les rappels ne sont possibles que pendant une campagne lancée."), code="invalid_transition"
            )
        ManagerFollowUp.objects.get_or_create(campaign=campaign, manager=manager)
        follow_up = ManagerFollowUp.objects.select_for_update().get(campaign=campaign, manager=manager)
        next_at = next_team_reminder_at(follow_up, now)
        if next_at is not None:
            raise ValidationError(
                _("Vous avez déjà envoyé un rappel à votre équipe. Prochain rappel possible le %(when)s.")
                % {"when": timezone.localtime(next_at).strftime("%Y-%m-%d %H:%M")}
            )
        pending = _open_requests(campaign).filter(profile__manager=manager)
        sent = _remind(campaign, pending, now, actor=actor)
        if sent:
            follow_up.last_team_reminder_at = now
            follow_up.team_reminders_sent += 1
            follow_up.save(update_fields=["last_team_reminder_at", "team_reminders_sent"])
    return sent


def send_due_reminders(*, now: datetime | None = None) -> dict[str, int]:
    """Periodic task body: resume stalled launches (also every minute on their own), remind on rhythm,
    send overdue notices."""
    now = now or timezone.now()
    totals = {"reminders": 0, "notices": 0, "resumed": resume_stalled_launches(now=now)}
    campaigns = Campaign.objects.filter(
        status__in=REMINDABLE_STATUSES, version__status=PolicyVersion.Status.IN_FORCE
    ).order_by("pk")
    for campaign in campaigns:
        try:
            totals["reminders"] += campaign_send_reminders(campaign=campaign, now=now)
            totals["notices"] += campaign_send_overdue_notices(campaign=campaign, now=now)
        except Exception:  # one broken campaign must not stop the others
            logger.exception("Reminders of campaign %s failed", campaign.pk)
    return totals
