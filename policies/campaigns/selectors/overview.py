"""One campaign as HR reads it, its audience, and what the home page shows of campaigns (§7.5, §7.6)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from policies.models import Acknowledgement
from portal.models import Direction, StaffProfile
from portal.roles import roles_for

from ..models import AcknowledgementRequest, Campaign, CampaignEvent, ManagerFollowUp
from ..workflow import OPEN_STATUSES, REMIND, REMINDABLE_STATUSES
from .access import campaign_actions, campaign_requests, can_follow_team, can_manage_campaigns
from .figures import Summary, completion_summary

# --- One campaign ------------------------------------------------------------------------------------


def campaign_summary(campaign: Campaign) -> Summary | None:
    """HR's figures of a campaign; None for a draft, which has asked nobody anything yet."""
    if campaign.status == Campaign.Status.DRAFT:
        return None
    return completion_summary(campaign_requests(campaign))


def campaign_directions(campaign: Campaign) -> list[Direction]:
    return list(campaign.directions.all())


def campaign_category_labels(campaign: Campaign) -> list[str]:
    """The labels of a targeted campaign's staff categories (§1), in the campaign's order."""
    labels = dict(StaffProfile.Category.choices)
    return [labels.get(code, code) for code in campaign.categories]


def campaign_events(campaign: Campaign) -> list[CampaignEvent]:
    """The campaign's history, oldest first (only HR opens the campaign page)."""
    return list(campaign.events.select_related("actor"))


# --- Audience (§7.5: every user, or the directions and categories HR chose) ----------------------------


def audience_profiles(campaign: Campaign) -> QuerySet[StaffProfile]:
    """Active staff the campaign is for: everyone, the chosen directions and/or categories, or those who
    confirmed the previous version (§7.5, a new version in force)."""
    profiles = StaffProfile.objects.filter(is_active=True)
    if campaign.audience == Campaign.Audience.PREVIOUS:
        confirmed = Acknowledgement.objects.filter(version_id=campaign.previous_version_id, user_id=OuterRef("user_id"))
        return profiles.filter(Exists(confirmed))
    if campaign.audience == Campaign.Audience.TARGETED:
        # In the same query: no direction chosen means every direction.
        chosen = Campaign.directions.through.objects.filter(campaign_id=campaign.pk)
        profiles = profiles.filter(~Exists(chosen) | Q(direction_id__in=chosen.values("direction_id")))
        if campaign.categories:
            profiles = profiles.filter(category__in=campaign.categories)
    return profiles


def draft_audience_size(campaign: Campaign) -> int | None:
    """How many people a draft's launch would ask today: the launch's own selector, one query; None once
    launched (the figures then count the requests written)."""
    if campaign.status != Campaign.Status.DRAFT:
        return None
    return audience_profiles(campaign).count()


def audience_covers(campaign: Campaign, direction_ids: set[int], profile: dict) -> bool:
    """`audience_profiles` for one person already read (`direction_id`, `category`), without a query."""
    if campaign.audience == Campaign.Audience.INSTITUTION:
        return True
    if campaign.audience == Campaign.Audience.PREVIOUS:
        # Staff who join never confirmed an earlier version: the standing campaign for new staff asks them.
        return False
    if direction_ids and profile["direction_id"] not in direction_ids:
        return False
    return not campaign.categories or profile["category"] in campaign.categories


# --- A manager's follow-up (§7.6) ----------------------------------------------------------------------


def team_reminder_cooldown() -> timedelta:
    """§7.6 managers make their team aware of the policy; so that a reminder stays a reminder, a manager
    reminds their team at most once in settings.CAMPAIGN_TEAM_REMINDER_HOURS (docs/rules.md)."""
    return timedelta(hours=settings.CAMPAIGN_TEAM_REMINDER_HOURS)


def next_team_reminder_at(follow_up: ManagerFollowUp | None, now: datetime | None = None) -> datetime | None:
    """When the manager may remind their team again, or None when they may now (see the cooldown).

    The team page hides its button and `campaign_remind_team` refuses, both from this answer.
    """
    if follow_up is None or follow_up.last_team_reminder_at is None:
        return None
    next_at = follow_up.last_team_reminder_at + team_reminder_cooldown()
    return next_at if next_at > (now or timezone.now()) else None


def team_follow_up(user: AbstractBaseUser, campaign: Campaign, summary: Summary) -> dict:
    """The manager's follow-up of a campaign: their record, when they may remind again, and whether the
    page offers the reminder now (the campaign allows it, someone has not confirmed, no cooldown)."""
    manager = roles_for(user).profile
    follow_up = ManagerFollowUp.objects.filter(campaign=campaign, manager=manager).first() if manager else None
    next_at = next_team_reminder_at(follow_up)
    return {
        "follow_up": follow_up,
        "next_reminder_at": next_at,
        "can_remind": REMIND in campaign_actions(user, campaign) and summary.pending > 0 and next_at is None,
    }


# --- Home page ---------------------------------------------------------------------------------------


def team_progress(user: AbstractBaseUser, limit: int) -> list[dict]:
    """Per launched campaign, how many of the manager's direct reports confirmed (one query)."""
    profile = roles_for(user).profile
    if not can_follow_team(user) or profile is None:
        return []
    return list(
        AcknowledgementRequest.objects.filter(
            profile__manager_id=profile.pk,
            profile__is_active=True,
            campaign__status__in=REMINDABLE_STATUSES,
        )
        .values(campaign_pk=F("campaign_id"), title=F("campaign__title"), due=F("campaign__due_on"))
        .annotate(total=Count("pk"), done=Count("pk", filter=Q(satisfied_at__isnull=False)))
        .order_by("due", "campaign_pk")[:limit]
    )


def running_campaigns(user: AbstractBaseUser, limit: int) -> list[Campaign] | None:
    """HR's campaigns being launched or running, soonest due first (one query); None for anyone else."""
    if not can_manage_campaigns(user):
        return None
    return list(Campaign.objects.filter(status__in=OPEN_STATUSES).order_by("due_on", "pk")[:limit])
