"""Campaigns before their launch: the one the portal prepares when a new version comes into force, and HR's
changes to a draft (§7.5: HR makes sure every user is informed of the policy in force).

When DCAI puts a new version in force (policies.services.version_put_in_force), everyone who confirmed the
version it replaces is asked to confirm the new one: the portal prepares that campaign in the same
transaction and HR is told. HR checks it, adjusts its title, due date or rhythm, and launches it; with
settings.CAMPAIGN_NEW_VERSION_AUTO_LAUNCH the portal launches it at once instead.

A draft HR created may also change its audience. HR deletes a draft it will not launch; a launched or
closed campaign is never deleted.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from policies.models import PolicyVersion
from portal.models import Direction
from portal.notifications.services import notify_people
from portal.roles import hr_officers
from portal.workflow import lock, record_event, transition

from ..models import Campaign, CampaignEvent
from ..notifications import KIND_NEW_VERSION_LAUNCHED, KIND_NEW_VERSION_PREPARED
from ..selectors import audience_profiles
from ..workflow import CAMPAIGN_WORKFLOW, EDIT, LAUNCH
from .lifecycle import _enqueue_launch, audience_errors, require_campaign_manager

logger = logging.getLogger(__name__)
Action = CampaignEvent.Action
DEFAULT_RHYTHM_DAYS = 7


def new_version_days() -> int:
    """Days a new version's campaign gives people to confirm (settings.CAMPAIGN_NEW_VERSION_DAYS)."""
    return settings.CAMPAIGN_NEW_VERSION_DAYS


def _launch_by_portal(campaign: Campaign, version: PolicyVersion) -> None:
    """The launch of `campaign_launch`, by the portal itself (no actor): the same map, the same task."""
    campaign = lock(campaign)
    campaign.launched_at = timezone.now()
    campaign.launch_total = audience_profiles(campaign).count()
    campaign.launch_done = 0
    transition(
        campaign,
        workflow=CAMPAIGN_WORKFLOW,
        action=LAUNCH,
        actor=None,
        note=_("Lancée automatiquement à la mise en vigueur de la version %(label)s") % {"label": version.label},
        update_fields=["launched_at", "launch_total", "launch_done"],
        event={"action": Action.LAUNCHED},
    )
    transaction.on_commit(lambda: _enqueue_launch(campaign.pk))


def campaign_prepare_for_new_version(
    *, version: PolicyVersion, previous: PolicyVersion | None, actor: AbstractBaseUser | None = None
) -> Campaign | None:
    """§7.5: the campaign for everyone who confirmed `previous`, now superseded by `version`; HR is told.

    Call inside the transaction that puts `version` in force. None when there is nothing to ask: no
    previous version, or a version that requires no acknowledgement. Prepared once per pair of versions.
    """
    if previous is None or not version.requires_acknowledgement:
        return None
    existing = Campaign.objects.filter(
        version=version, audience=Campaign.Audience.PREVIOUS, previous_version=previous
    ).first()
    if existing is not None:
        return existing
    due_on = timezone.localdate() + timedelta(days=new_version_days())
    # Stored in the institution's language, like every campaign title HR writes.
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Nouvelle version %(label)s de la politique %(number)s : prise de connaissance") % {
            "label": version.label,
            "number": version.policy.display_number,
        }
        note = _("Préparée à la mise en vigueur de la version %(label)s") % {"label": version.label}
    campaign = Campaign.objects.create(
        version=version,
        title=title,
        audience=Campaign.Audience.PREVIOUS,
        previous_version=previous,
        due_on=due_on,
        reminder_every_days=DEFAULT_RHYTHM_DAYS,
    )
    record_event(campaign, actor=None, before="", after=Campaign.Status.DRAFT, note=note, action=Action.CREATED)
    audience = audience_profiles(campaign).count()
    automatic = settings.CAMPAIGN_NEW_VERSION_AUTO_LAUNCH
    if automatic:
        _launch_by_portal(campaign, version)
    notify_people(
        KIND_NEW_VERSION_LAUNCHED if automatic else KIND_NEW_VERSION_PREPARED,
        hr_officers().values_list("pk", flat=True),
        target=campaign,
        actor=actor,
        context={"version": version.label, "count": audience, "due_on": due_on.isoformat()},
    )
    return campaign


def campaign_update_draft(
    *,
    campaign: Campaign,
    actor: AbstractBaseUser,
    title: str,
    due_on: date,
    reminder_every_days: int,
    audience: str | None = None,
    directions: Iterable[Direction] = (),
    categories: Sequence[str] = (),
) -> Campaign:
    """§7.5: HR adjusts a draft before launching it (a prepared campaign first of all): its title, due date
    and rhythm, and, for a draft HR created, its audience (`audience` None: unchanged). Its version stays;
    so does the audience of a campaign prepared for a new version (everyone who confirmed the previous one).
    """
    require_campaign_manager(actor)
    directions = list(directions)
    categories = list(dict.fromkeys(categories))
    errors: dict[str, str] = {}
    if not (title or "").strip():
        errors["title"] = _("Donnez un titre à la campagne.")
    if due_on is None or due_on <= timezone.localdate():
        errors["due_on"] = _("L'échéance doit être postérieure à aujourd'hui.")
    if reminder_every_days is None or not 1 <= int(reminder_every_days) <= 90:
        errors["reminder_every_days"] = _("Le rythme des rappels est de 1 à 90 jours.")
    if audience is not None:
        if campaign.audience == Campaign.Audience.PREVIOUS:
            errors["audience"] = _("Le public d'une campagne préparée pour une nouvelle version ne change pas.")
        else:
            errors.update(audience_errors(audience, directions, categories))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        campaign = lock(campaign)
        if not CAMPAIGN_WORKFLOW.allows(campaign.status, EDIT):
            raise ValidationError(_("Seul un brouillon peut être modifié."), code="invalid_transition")
        campaign.title = title.strip()
        campaign.due_on = due_on
        campaign.reminder_every_days = int(reminder_every_days)
        fields = ["title", "due_on", "reminder_every_days"]
        if audience is not None:
            targeted = audience == Campaign.Audience.TARGETED
            campaign.audience = audience
            campaign.categories = categories if targeted else []
            campaign.directions.set(directions if targeted else [])
            fields += ["audience", "categories"]
        transition(
            campaign,
            workflow=CAMPAIGN_WORKFLOW,
            action=EDIT,
            actor=actor,
            update_fields=fields,
            event={"action": Action.EDITED},
        )
    return campaign


def campaign_delete_draft(*, campaign: Campaign, actor: AbstractBaseUser) -> str:
    """§7.5: HR deletes a draft it will not launch. Deleting is one of the changes HR makes to a draft
    (EDIT in the map): nobody was asked anything yet, so the draft goes with its own history. A launched
    or closed campaign is never deleted: its requests and events show who was informed (§7.8).
    Returns the title of the deleted draft."""
    require_campaign_manager(actor)
    with transaction.atomic():
        campaign = lock(campaign)
        if not CAMPAIGN_WORKFLOW.allows(campaign.status, EDIT) or campaign.is_continuous or campaign.requests.exists():
            raise ValidationError(
                _("Seul un brouillon peut être supprimé : une campagne lancée reste dans l'historique."),
                code="invalid_transition",
            )
        title, pk = campaign.title, campaign.pk
        campaign.events.all().delete()
        campaign.delete()
    logger.info("campaign %s: draft deleted by user %s", pk, actor.pk)
    return title
