"""A campaign's life: HR prepares it, launches it and closes it (§7.5); map: policies.campaigns.workflow.

Every state change checks who may do it (`can_manage_campaigns`, the rule the pages use), locks the
row, checks `CAMPAIGN_WORKFLOW`, writes the change and its event row (portal.workflow.transition) in
one transaction. The launch itself is one idempotent background task (`campaign_run_launch`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from policies.models import PolicyVersion
from portal.locks import running_alone
from portal.models import Direction, StaffProfile
from portal.notifications.services import notify_people
from portal.workflow import lock, record_event, transition

from ..models import AcknowledgementRequest, Campaign, CampaignEvent
from ..notifications import KIND_LAUNCHED
from ..selectors import audience_profiles, can_manage_campaigns
from ..workflow import CAMPAIGN_WORKFLOW, CLOSE, FINISH_LAUNCH, LAUNCH
from .enrolment import INSERT_BATCH, _write_requests

logger = logging.getLogger(__name__)
Action = CampaignEvent.Action
LAUNCH_LOCK = "campaign-launch"


def require_campaign_manager(user: AbstractBaseUser) -> None:
    """§7.5, through `can_manage_campaigns` (the rule the pages use to show the buttons)."""
    if not can_manage_campaigns(user):
        raise PermissionDenied(_("Seules les ressources humaines gèrent les campagnes de prise de connaissance."))


def _check_version(version: PolicyVersion) -> None:
    if version.status != PolicyVersion.Status.IN_FORCE:
        raise ValidationError({"version": _("La version doit être en vigueur.")})
    if not version.requires_acknowledgement:
        raise ValidationError({"version": _("Cette version n'exige pas de prise de connaissance.")})


def audience_errors(audience: str, directions: Sequence[Direction], categories: Sequence[str]) -> dict[str, str]:
    """§7.5: HR chooses everyone, or directions and/or staff categories (at least one); the same check
    when a campaign is created and when its draft is changed."""
    errors: dict[str, str] = {}
    if audience not in (Campaign.Audience.INSTITUTION, Campaign.Audience.TARGETED):
        errors["audience"] = _("Public inconnu.")
    elif audience == Campaign.Audience.TARGETED and not (directions or categories):
        errors["audience"] = _("Choisissez au moins une direction ou une catégorie d'intervenants.")
    unknown = [c for c in categories if c not in StaffProfile.Category.values]
    if unknown:
        errors["categories"] = _("Catégorie inconnue : %(codes)s.") % {"codes": ", ".join(unknown)}
    return errors


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
    require_campaign_manager(actor)
    _check_version(version)
    directions = list(directions)
    categories = list(dict.fromkeys(categories))
    errors = audience_errors(audience, directions, categories)
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
        record_event(campaign, actor=actor, before="", after=Campaign.Status.DRAFT, action=Action.CREATED)
    return campaign


def campaign_launch(*, campaign: Campaign, actor: AbstractBaseUser) -> Campaign:
    """§7.5: HR launches; one background task writes every request and notifies each person."""
    require_campaign_manager(actor)
    with transaction.atomic():
        campaign = lock(campaign, "version")
        if not CAMPAIGN_WORKFLOW.allows(campaign.status, LAUNCH):
            raise ValidationError(_("Cette campagne est déjà lancée ou fermée."), code="invalid_transition")
        _check_version(campaign.version)
        if campaign.due_on <= timezone.localdate():
            raise ValidationError(_("L'échéance est passée : modifiez la campagne avant de la lancer."))
        campaign.launched_by = actor
        campaign.launched_at = timezone.now()
        campaign.launch_total = audience_profiles(campaign).count()
        campaign.launch_done = 0
        transition(
            campaign,
            workflow=CAMPAIGN_WORKFLOW,
            action=LAUNCH,
            actor=actor,
            update_fields=["launched_by", "launched_at", "launch_total", "launch_done"],
            event={"action": Action.LAUNCHED},
        )
        transaction.on_commit(lambda: _enqueue_launch(campaign.pk))
    return campaign


def _enqueue_launch(campaign_id: int) -> None:
    """After commit. The launch task stores no result and publishing fails fast, so a broker that is down
    never holds the request; `resume_stalled_launches` (every minute) then runs the launch."""
    from ..tasks import launch_campaign

    try:
        launch_campaign.delay(campaign_id)
    except Exception:  # broker down: the campaign stays "launching" and is resumed
        logger.warning("Could not enqueue the launch of campaign %s", campaign_id, exc_info=True)


def campaign_run_launch(*, campaign_id: int, batch_size: int = INSERT_BATCH) -> int:
    """The launch task's body (§7.5): safe to run again (it only fills what is missing).

    One run at a time per campaign (`portal.locks.running_alone`: a second task, or the resume job, finds
    it running and leaves it). Returns how many requests were notified by this run. The launcher is told
    when it is done.
    """
    with running_alone(LAUNCH_LOCK, campaign_id) as mine:
        if not mine:
            return 0
        return _run_launch(campaign_id, batch_size)


def _run_launch(campaign_id: int, batch_size: int) -> int:
    campaign = Campaign.objects.select_related("version").filter(pk=campaign_id).first()
    # Once launched, every request was written: a late duplicate of the task has nothing to do.
    if campaign is None or not CAMPAIGN_WORKFLOW.allows(campaign.status, FINISH_LAUNCH):
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
        campaign = lock(campaign)
        if CAMPAIGN_WORKFLOW.allows(campaign.status, FINISH_LAUNCH):
            campaign.launch_finished_at = timezone.now()
            transition(
                campaign,
                workflow=CAMPAIGN_WORKFLOW,
                action=FINISH_LAUNCH,
                actor=None,
                note=f"{done} / {notified}",
                update_fields=["launch_finished_at"],
                event={"action": Action.LAUNCH_FINISHED},
            )
            if campaign.launched_by_id:
                notify_people(KIND_LAUNCHED, [campaign.launched_by_id], target=campaign, context={"count": done})
    _refresh_statistics(done)
    return notified


def resume_stalled_launches(*, now: datetime | None = None) -> int:
    """Run every launch still "launching" settings.CAMPAIGN_LAUNCH_RESUME_AFTER seconds after it was asked
    and whose task is not running: the broker was down when it was asked, or lost the message, or its worker
    died. Beat runs this every minute, so a launch completes within minutes of the broker coming back.
    Returns the launches resumed.
    """
    now = now or timezone.now()
    asked_before = now - timedelta(seconds=settings.CAMPAIGN_LAUNCH_RESUME_AFTER)
    stalled = list(
        Campaign.objects.filter(status=Campaign.Status.LAUNCHING, launched_at__lt=asked_before)
        .order_by("launched_at", "pk")
        .values_list("pk", flat=True)
    )
    resumed = 0
    for campaign_id in stalled:
        with running_alone(LAUNCH_LOCK, campaign_id) as mine:
            if not mine:  # its task is running
                continue
            logger.warning("Resuming the launch of campaign %s", campaign_id)
            _run_launch(campaign_id, INSERT_BATCH)
            resumed += 1
    return resumed


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


def campaign_close(*, campaign: Campaign, actor: AbstractBaseUser) -> Campaign:
    """§7.5: HR closes a campaign: no more reminders; its figures stay for the record."""
    require_campaign_manager(actor)
    with transaction.atomic():
        campaign = lock(campaign)
        if not CAMPAIGN_WORKFLOW.allows(campaign.status, CLOSE):
            raise ValidationError(_("Cette campagne ne peut pas être fermée maintenant."), code="invalid_transition")
        campaign.closed_at = timezone.now()
        transition(
            campaign,
            workflow=CAMPAIGN_WORKFLOW,
            action=CLOSE,
            actor=actor,
            update_fields=["closed_at"],
            event={"action": Action.CLOSED},
        )
    return campaign
