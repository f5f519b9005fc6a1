"""Writes of acknowledgement campaigns (§7.5 HR informs every user; §7.6 managers follow up).

Every state change checks who may do it, locks the row, writes the change and an event row, and
queues its notifications in the same transaction. The launch itself is one idempotent background
task: requests are inserted with `ignore_conflicts` and a request is notified only while its
`notified_at` is empty, claimed under a row lock, so a re-run (or two workers) never duplicates
a request or a notification.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from policies.models import Acknowledgement, PolicyVersion
from portal.models import Direction, StaffProfile
from portal.notifications.services import notify_many
from portal.roles import roles_for

from .models import AcknowledgementRequest, Campaign, CampaignEvent, ManagerFollowUp
from .notifications import KIND_LAUNCHED, KIND_REMINDER, KIND_REQUEST, KIND_TEAM_OVERDUE

logger = logging.getLogger(__name__)
INSERT_BATCH = 2000


def team_reminder_cooldown() -> timedelta:
    return timedelta(hours=getattr(settings, "CAMPAIGN_TEAM_REMINDER_HOURS", 24))


def new_staff_days() -> int:
    return getattr(settings, "CAMPAIGN_NEW_STAFF_DAYS", 30)


# --- Audience -------------------------------------------------------------------------------------


def audience_profiles(campaign: Campaign) -> QuerySet[StaffProfile]:
    """Active staff the campaign is for: everyone, or the chosen directions and/or categories."""
    profiles = StaffProfile.objects.filter(is_active=True)
    if campaign.audience == Campaign.Audience.TARGETED:
        direction_ids = list(campaign.directions.values_list("pk", flat=True))
        if direction_ids:
            profiles = profiles.filter(direction_id__in=direction_ids)
        if campaign.categories:
            profiles = profiles.filter(category__in=campaign.categories)
    return profiles


def _covers(campaign: Campaign, direction_ids: set[int], profile: dict) -> bool:
    if campaign.audience == Campaign.Audience.INSTITUTION:
        return True
    if direction_ids and profile["direction_id"] not in direction_ids:
        return False
    return not campaign.categories or profile["category"] in campaign.categories


# --- Creating and launching ------------------------------------------------------------------------


def _require_hr(user: AbstractBaseUser) -> None:
    if not roles_for(user).is_hr:
        raise PermissionDenied(
            _("Seules les ressources humaines gèrent les campagnes de prise de connaissance.")
        )


def _check_version(version: PolicyVersion) -> None:
    if version.status != PolicyVersion.Status.IN_FORCE:
        raise ValidationError({"version": _("La version doit être en vigueur.")})
    if not version.requires_acknowledgement:
        raise ValidationError({"version": _("Cette version n'exige pas de prise de connaissance.")})


def _event(campaign: Campaign, actor: AbstractBaseUser | None, old: str, new: str, note: str = "") -> None:
    CampaignEvent.objects.create(
        campaign=campaign, actor=actor, from_status=old, to_status=new, note=note[:300]
    )


def campaign_create(
    *,
    actor: AbstractBaseUser,
    version: PolicyVersion,
    title: str,
    audience: str,
    due_on: date,
    reminder_every_days: int,
    directions: Iterable[Direction] = (),
    categories: Sequence[str] = (),
) -> Campaign:
    """§7.5: HR prepares a campaign for the version in force (a draft until launched)."""
    _require_hr(actor)
    _check_version(version)
    directions = list(directions)
    categories = list(dict.fromkeys(categories))
    errors: dict[str, str] = {}
    if audience not in Campaign.Audience.values:
        errors["audience"] = _("Public inconnu.")
    elif audience == Campaign.Audience.TARGETED and not (directions or categories):
        errors["audience"] = _("Choisissez au moins une direction ou une catégorie d'intervenants.")
    unknown = [c for c in categories if c not in StaffProfile.Category.values]
    if unknown:
        errors["categories"] = _("Catégorie inconnue : %(codes)s.") % {"codes": ", ".join(unknown)}
    if due_on <= timezone.localdate():
        errors["due_on"] = _("L'échéance doit être postérieure à aujourd'hui.")
    if not 1 <= int(reminder_every_days) <= 90:
        errors["reminder_every_days"] = _("Le rythme des rappels est de 1 à 90 jours.")
    if not (title or "").strip():
        errors["title"] = _("Donnez un titre à la campagne.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            version=version,
            title=title.strip(),
            audience=audience,
            categories=categories if audience == Campaign.Audience.TARGETED else [],
            due_on=due_on,
            reminder_every_days=reminder_every_days,
            created_by=actor,
        )
        if audience == Campaign.Audience.TARGETED and directions:
            campaign.directions.set(directions)
        _event(campaign, actor, "", Campaign.Status.DRAFT)
    return campaign


LAUNCHABLE = {Campaign.Status.DRAFT}


def campaign_launch(*, campaign: Campaign, actor: AbstractBaseUser) -> Campaign:
    """§7.5: HR launches; one background task writes every request and notifies each person."""
    _require_hr(actor)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().select_related("version").get(pk=campaign.pk)
        if campaign.status not in LAUNCHABLE:
            raise ValidationError(_("Cette campagne est déjà lancée ou fermée."))
        _check_version(campaign.version)
        if campaign.due_on <= timezone.localdate():
            raise ValidationError(_("L'échéance est passée : modifiez la campagne avant de la lancer."))
        old = campaign.status
        campaign.status = Campaign.Status.LAUNCHING
        campaign.launched_by = actor
        campaign.launched_at = timezone.now()
        campaign.launch_total = audience_profiles(campaign).count()
        campaign.launch_done = 0
        campaign.save(update_fields=["status", "launched_by", "launched_at", "launch_total", "launch_done"])
        _event(campaign, actor, old, campaign.status)
        transaction.on_commit(lambda: _enqueue_launch(campaign.pk))
    return campaign


def _enqueue_launch(campaign_id: int) -> None:
    from .tasks import launch_campaign

    try:
        launch_campaign.delay(campaign_id)
    except Exception:  # broker down: the reminders task resumes launches left in "launching"
        logger.warning("Could not enqueue the launch of campaign %s", campaign_id, exc_info=True)


def request_link(campaign: Campaign) -> str:
    """The link every notification of a campaign carries: it opens the recipient's own request."""
    return reverse("campaigns:my_request", args=[campaign.pk])


def _write_requests(campaign: Campaign, people: Sequence[tuple[int, int]], due_on: date) -> tuple[int, int]:
    """Create the missing requests of (profile_id, user_id) pairs and notify the new open ones.

    Call inside a transaction. The campaign row is locked first, so concurrent runs (a redelivered
    launch task, the new-staff hook) take turns and "who is missing" stays exact: a request and its
    notification are written together, once. People who already confirmed the version get a request
    that is satisfied from the start, and no notification. Returns (rows created, notifications).
    """
    list(Campaign.objects.select_for_update().filter(pk=campaign.pk).values_list("pk"))
    existing = set(
        AcknowledgementRequest.objects.filter(
            campaign_id=campaign.pk, profile_id__in=[profile_id for profile_id, _u in people]
        ).values_list("profile_id", flat=True)
    )
    missing = [(profile_id, user_id) for profile_id, user_id in people if profile_id not in existing]
    if not missing:
        return 0, 0
    acknowledged = {
        user_id: (pk, at)
        for user_id, pk, at in Acknowledgement.objects.filter(
            version_id=campaign.version_id, user_id__in=[user_id for _p, user_id in missing]
        ).values_list("user_id", "pk", "acknowledged_at")
    }
    now = timezone.now()
    rows = []
    to_notify = []
    for profile_id, user_id in missing:
        ack = acknowledged.get(user_id)
        if ack is None:
            to_notify.append(user_id)
        rows.append(
            AcknowledgementRequest(
                campaign_id=campaign.pk,
                profile_id=profile_id,
                due_on=due_on,
                notified_at=None if ack else now,
                acknowledgement_id=ack[0] if ack else None,
                satisfied_at=ack[1] if ack else None,
                satisfied_on=timezone.localdate(ack[1]) if ack else None,
            )
        )
    # The lock makes conflicts impossible; ignoring them keeps a unique-key race harmless anyway.
    AcknowledgementRequest.objects.bulk_create(rows, ignore_conflicts=True, batch_size=INSERT_BATCH)
    link, context = request_link(campaign), {"due_on": due_on.isoformat()}
    notify_many(kind=KIND_REQUEST, recipients=to_notify, target=campaign, context=context, link=link)
    return len(rows), len(to_notify)


def campaign_run_launch(*, campaign_id: int, batch_size: int = INSERT_BATCH) -> int:
    """The launch task's body: safe to run again (it only fills what is missing).

    Returns how many requests were notified by this run.
    """
    campaign = Campaign.objects.select_related("version").filter(pk=campaign_id).first()
    if campaign is None or campaign.status not in (Campaign.Status.LAUNCHING, Campaign.Status.LAUNCHED):
        return 0
    people = list(audience_profiles(campaign).order_by("pk").values_list("pk", "user_id"))
    Campaign.objects.filter(pk=campaign.pk).update(launch_total=len(people), launch_done=0)
    notified = 0
    done = 0
    for start in range(0, len(people), batch_size):
        chunk = people[start : start + batch_size]
        with transaction.atomic():
            _count, sent = _write_requests(campaign, chunk, campaign.due_on)
            notified += sent
        done += len(chunk)
        Campaign.objects.filter(pk=campaign.pk).update(launch_done=done)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status == Campaign.Status.LAUNCHING:
            campaign.status = Campaign.Status.LAUNCHED
            campaign.launch_finished_at = timezone.now()
            campaign.save(update_fields=["status", "launch_finished_at"])
            _event(
                campaign, None, Campaign.Status.LAUNCHING, Campaign.Status.LAUNCHED, f"{done} / {notified}"
            )
            if campaign.launched_by_id:
                notify_many(
                    kind=KIND_LAUNCHED, recipients=[campaign.launched_by_id], target=campaign, context={"count": done}
                )
    _refresh_statistics(done)
    return notified


def _refresh_statistics(rows_written: int) -> None:
    """After a bulk load, refresh the planner's statistics (PostgreSQL advice) so the dashboard's
    first visits do not wait for autovacuum to notice thousands of new rows."""
    if connection.vendor != "postgresql" or rows_written < 1000:
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {AcknowledgementRequest._meta.db_table}")
    except DatabaseError:  # not the table owner: autovacuum will do it
        logger.info("Could not analyze the requests table after a launch", exc_info=True)


CLOSABLE = {Campaign.Status.DRAFT, Campaign.Status.LAUNCHED}


def campaign_close(*, campaign: Campaign, actor: AbstractBaseUser) -> Campaign:
    """HR closes a campaign: no more reminders; its figures stay for the record."""
    _require_hr(actor)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status not in CLOSABLE:
            raise ValidationError(_("Cette campagne ne peut pas être fermée maintenant."))
        old = campaign.status
        campaign.status = Campaign.Status.CLOSED
        campaign.closed_at = timezone.now()
        campaign.save(update_fields=["status", "closed_at"])
        _event(campaign, actor, old, campaign.status)
    return campaign


# --- Acknowledging ----------------------------------------------------------------------------------


def acknowledgement_record(
    *,
    user: AbstractBaseUser,
    version: PolicyVersion,
    attestation: str,
    expected_text_hash: str | None = None,
) -> Acknowledgement:
    """§7.5 / §7.8: a person confirms the version in force they read.

    Stores who, when and the hash of exactly the text confirmed. Confirming again changes nothing
    (an acknowledgement is never edited); every open request for the version is satisfied.
    """
    attestation = (attestation or "").strip()
    if not attestation:
        raise ValidationError({"attestation": _("Cochez l'attestation pour confirmer.")})
    with transaction.atomic():
        version = PolicyVersion.objects.get(pk=version.pk)
        if version.status != PolicyVersion.Status.IN_FORCE:
            raise ValidationError(_("Seule la version en vigueur peut être confirmée."))
        text_hash = version.text_hash()
        if expected_text_hash is not None and expected_text_hash != text_hash:
            raise ValidationError(
                _("Le texte de la politique a changé depuis votre lecture : relisez-le avant de confirmer.")
            )
        ack, _created = Acknowledgement.objects.get_or_create(
            version=version, user=user, defaults={"text_hash": text_hash, "attestation": attestation[:500]}
        )
        AcknowledgementRequest.objects.filter(
            profile__user=user, campaign__version=version, satisfied_at=None
        ).update(
            satisfied_at=ack.acknowledged_at,
            satisfied_on=timezone.localdate(ack.acknowledged_at),
            acknowledgement=ack,
        )
    return ack


# --- Reminders and follow-up -----------------------------------------------------------------------


def _open_requests(campaign: Campaign) -> QuerySet[AcknowledgementRequest]:
    return AcknowledgementRequest.objects.filter(
        campaign=campaign, satisfied_at=None, profile__is_active=True
    )


def _remind(campaign: Campaign, requests: QuerySet[AcknowledgementRequest], now: datetime) -> int:
    """One reminder per open request, grouped by due date (new staff have their own)."""
    rows = list(requests.values_list("pk", "profile__user_id", "due_on"))
    by_due: dict[date, list[int]] = {}
    for _pk, user_id, due in rows:
        by_due.setdefault(due, []).append(user_id)
    link = request_link(campaign)
    for due, user_ids in by_due.items():
        context = {"due_on": due.isoformat()}
        notify_many(kind=KIND_REMINDER, recipients=user_ids, target=campaign, context=context, link=link)
    ids = [pk for pk, _u, _d in rows]
    for start in range(0, len(ids), INSERT_BATCH):
        AcknowledgementRequest.objects.filter(pk__in=ids[start : start + INSERT_BATCH]).update(
            last_reminded_at=now
        )
    return len(rows)


def campaign_send_reminders(*, campaign: Campaign, now: datetime | None = None) -> int:
    """Remind, on the campaign's rhythm, everyone who has not confirmed yet. Returns reminders written.

    The day is claimed with a conditional update so two runs never remind twice.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    if campaign.status != Campaign.Status.LAUNCHED or campaign.launched_at is None:
        return 0
    anchor = campaign.last_reminder_on or timezone.localdate(campaign.launched_at)
    if today < anchor + timedelta(days=campaign.reminder_every_days):
        return 0
    recent = now - timedelta(hours=20)
    with transaction.atomic():
        claimed = Campaign.objects.filter(
            pk=campaign.pk, status=Campaign.Status.LAUNCHED, last_reminder_on=campaign.last_reminder_on
        ).update(last_reminder_on=today)
        if not claimed:
            return 0
        campaign.last_reminder_on = today
        pending = _open_requests(campaign).filter(created_at__lt=recent).exclude(last_reminded_at__gte=recent)
        return _remind(campaign, pending, now)


def campaign_send_overdue_notices(*, campaign: Campaign, now: datetime | None = None) -> int:
    """§7.6: after the due date each manager is told, once, how many of their team have not confirmed.

    The notice carries a count and a link to the team page, never names.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    if (
        campaign.status != Campaign.Status.LAUNCHED
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
            notify_many(
                kind=KIND_TEAM_OVERDUE,
                recipients=manager_ids,
                target=campaign,
                context={"count": count, "due_on": campaign.due_on.isoformat()},
                link=link,
            )
    return sum(len(ids) for ids in by_count.values())


def campaign_remind_team(*, campaign: Campaign, actor: AbstractBaseUser, now: datetime | None = None) -> int:
    """§7.6: a manager reminds their direct reports who have not confirmed; once per cooldown (24 h)."""
    now = now or timezone.now()
    manager = roles_for(actor).profile
    if manager is None:
        raise PermissionDenied
    if campaign.status != Campaign.Status.LAUNCHED:
        raise ValidationError(_("Les rappels ne sont possibles que pendant une campagne lancée."))
    with transaction.atomic():
        ManagerFollowUp.objects.get_or_create(campaign=campaign, manager=manager)
        follow_up = ManagerFollowUp.objects.select_for_update().get(campaign=campaign, manager=manager)
        if (
            follow_up.last_team_reminder_at
            and now - follow_up.last_team_reminder_at < team_reminder_cooldown()
        ):
            next_at = timezone.localtime(follow_up.last_team_reminder_at + team_reminder_cooldown())
            raise ValidationError(
                _("Vous avez déjà envoyé un rappel à votre équipe. Prochain rappel possible le %(when)s.")
                % {"when": next_at.strftime("%Y-%m-%d %H:%M")}
            )
        pending = _open_requests(campaign).filter(profile__manager=manager)
        sent = _remind(campaign, pending, now)
        if sent:
            follow_up.last_team_reminder_at = now
            follow_up.team_reminders_sent += 1
            follow_up.save(update_fields=["last_team_reminder_at", "team_reminders_sent"])
    return sent


def send_due_reminders(*, now: datetime | None = None) -> dict[str, int]:
    """Periodic task body: resume stalled launches, remind on rhythm, send overdue notices."""
    now = now or timezone.now()
    totals = {"reminders": 0, "notices": 0, "resumed": 0}
    stalled = Campaign.objects.filter(
        status=Campaign.Status.LAUNCHING, launched_at__lt=now - timedelta(minutes=30)
    ).values_list("pk", flat=True)
    for campaign_id in stalled:
        campaign_run_launch(campaign_id=campaign_id)
        totals["resumed"] += 1
    campaigns = Campaign.objects.filter(
        status=Campaign.Status.LAUNCHED, version__status=PolicyVersion.Status.IN_FORCE
    ).order_by("pk")
    for campaign in campaigns:
        try:
            totals["reminders"] += campaign_send_reminders(campaign=campaign, now=now)
            totals["notices"] += campaign_send_overdue_notices(campaign=campaign, now=now)
        except Exception:  # one broken campaign must not stop the others
            logger.exception("Reminders of campaign %s failed", campaign.pk)
    return totals


# --- New staff (organisation hook) -----------------------------------------------------------------


def _continuous_campaign(version: PolicyVersion, today: date) -> Campaign:
    campaign = (
        Campaign.objects.filter(version=version, is_continuous=True)
        .exclude(status=Campaign.Status.CLOSED)
        .first()
    )
    if campaign is None:
        campaign = Campaign.objects.create(
            version=version,
            title=_("Accueil des nouveaux intervenants – %(version)s") % {"version": version},
            audience=Campaign.Audience.INSTITUTION,
            due_on=today + timedelta(days=new_staff_days()),
            is_continuous=True,
            status=Campaign.Status.LAUNCHED,
            launched_at=timezone.now(),
            launch_finished_at=timezone.now(),
        )
        _event(campaign, None, "", Campaign.Status.LAUNCHED, "new staff")
    return campaign


def enrol_new_staff(profile_ids: list[int]) -> None:
    """§7.5: new staff get a request for every version in force that requires acknowledgement.

    They join each open campaign of that version whose audience includes them (with a due date
    that leaves them time); when none does, the version's standing campaign for new staff.
    """
    if not profile_ids:
        return
    today = timezone.localdate()
    people = list(
        StaffProfile.objects.filter(pk__in=profile_ids, is_active=True).values(
            "pk", "user_id", "direction_id", "category"
        )
    )
    if not people:
        return
    versions = list(
        PolicyVersion.objects.filter(status=PolicyVersion.Status.IN_FORCE, requires_acknowledgement=True)
    )
    open_campaigns = list(
        Campaign.objects.filter(
            version__in=versions, status__in=[Campaign.Status.LAUNCHING, Campaign.Status.LAUNCHED]
        ).prefetch_related("directions")
    )
    at_least = today + timedelta(days=new_staff_days())
    with transaction.atomic():
        for version in versions:
            campaigns = [
                (c, {d.pk for d in c.directions.all()})
                for c in open_campaigns
                if c.version_id == version.pk and not c.is_continuous
            ]
            fallback: list[Campaign] = []
            by_campaign: dict[int, tuple[Campaign, list[tuple[int, int]]]] = {}
            for person in people:
                matching = [c for c, dirs in campaigns if _covers(c, dirs, person)]
                if not matching:
                    if not fallback:
                        fallback.append(_continuous_campaign(version, today))
                    matching = fallback
                for campaign in matching:
                    by_campaign.setdefault(campaign.pk, (campaign, []))[1].append(
                        (person["pk"], person["user_id"])
                    )
            for campaign, pairs in by_campaign.values():
                due = max(campaign.due_on, at_least)
                for start in range(0, len(pairs), INSERT_BATCH):
                    _write_requests(campaign, pairs[start : start + INSERT_BATCH], due)
