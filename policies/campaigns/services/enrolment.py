"""Requests: who is asked to confirm the version in force, and their confirmation (§7.5).

A request and its notification are written together, once: requests are inserted with
`ignore_conflicts` under a lock of the campaign row, so a re-run of the launch task (or two workers,
or the new-staff hook at the same time) never duplicates a request or a notification.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from policies.models import Acknowledgement, PolicyVersion
from portal.models import StaffProfile
from portal.notifications.services import notifications_settled, notify_people
from portal.workflow import lock, record_event

from ..models import AcknowledgementRequest, Campaign, CampaignEvent
from ..notifications import KIND_REMINDER, KIND_REQUEST
from ..selectors import audience_covers
from ..workflow import OPEN_STATUSES

INSERT_BATCH = 2000


def new_staff_days() -> int:
    """§7.5: staff who join get at least settings.CAMPAIGN_NEW_STAFF_DAYS days to confirm (docs/rules.md)."""
    return settings.CAMPAIGN_NEW_STAFF_DAYS


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
    lock(campaign)
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
    # The person's own obligation: HR staff in the audience are told too, even the one who launched.
    notify_people(
        KIND_REQUEST, to_notify, target=campaign, context={"due_on": due_on.isoformat()}, link=request_link(campaign)
    )
    return len(rows), len(to_notify)


def _continuous_campaign(version: PolicyVersion, today: date) -> Campaign:
    campaign = (
        Campaign.objects.filter(version=version, is_continuous=True).exclude(status=Campaign.Status.CLOSED).first()
    )
    if campaign is None:
        # Stored in the institution's language, like every campaign title HR writes.
        with translation.override(settings.LANGUAGE_CODE):
            title = _("Accueil des nouveaux intervenants – %(version)s") % {"version": version}
        campaign = Campaign.objects.create(
            version=version,
            title=title,
            audience=Campaign.Audience.INSTITUTION,
            due_on=today + timedelta(days=new_staff_days()),
            is_continuous=True,
            status=Campaign.Status.LAUNCHED,
            launched_at=timezone.now(),
            launch_finished_at=timezone.now(),
        )
        record_event(
            campaign,
            actor=None,
            before="",
            after=Campaign.Status.LAUNCHED,
            note="new staff",
            action=CampaignEvent.Action.CREATED,
        )
    return campaign


def enrol_new_staff(profile_ids: list[int]) -> None:
    """§7.5: new staff get a request for every version in force that requires acknowledgement.

    They join each open campaign of that version whose audience includes them (with a due date
    that leaves them time); when none does, the version's standing campaign for new staff.
    The organisation calls this through settings.PORTAL_ON_STAFF_CREATED.
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
    versions = list(PolicyVersion.objects.filter(status=PolicyVersion.Status.IN_FORCE, requires_acknowledgement=True))
    open_campaigns = list(
        Campaign.objects.filter(version__in=versions, status__in=OPEN_STATUSES).prefetch_related("directions")
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
                matching = [c for c, dirs in campaigns if audience_covers(c, dirs, person)]
                if not matching:
                    if not fallback:
                        fallback.append(_continuous_campaign(version, today))
                    matching = fallback
                for campaign in matching:
                    by_campaign.setdefault(campaign.pk, (campaign, []))[1].append((person["pk"], person["user_id"]))
            for campaign, pairs in by_campaign.values():
                due = max(campaign.due_on, at_least)
                for start in range(0, len(pairs), INSERT_BATCH):
                    _write_requests(campaign, pairs[start : start + INSERT_BATCH], due)


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
        satisfied = AcknowledgementRequest.objects.filter(
            profile__user=user, campaign__version=version, satisfied_at=None
        )
        campaigns = list(Campaign.objects.filter(pk__in=satisfied.values("campaign_id")))
        satisfied.update(
            satisfied_at=ack.acknowledged_at,
            satisfied_on=timezone.localdate(ack.acknowledged_at),
            acknowledgement=ack,
        )
        # The request and its reminders are answered: they no longer wait, unread, in the bell.
        notifications_settled(user=user, kinds=(KIND_REQUEST, KIND_REMINDER), targets=campaigns)
    return ack
