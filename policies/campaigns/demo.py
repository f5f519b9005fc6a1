"""Demo data of campaigns: HR's campaign for the version in force, about 60 % confirmed (§7.5, §7.6).

Everything goes through the real services; only the dates are moved back afterwards, on the demo
rows alone, so the completion-over-time chart shows two weeks of confirmations.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import TextIO

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from policies.models import Acknowledgement
from policies.selectors import version_in_force

from .forms import attestation_statement
from .models import AcknowledgementRequest, Campaign, CampaignEvent
from .services import acknowledgement_record, campaign_create, campaign_launch, campaign_run_launch

SEED = 10974
DEMO_TITLE = "Prise de connaissance de la politique sur les médias sociaux"
HR_USERNAME = "rh"
EMPLOYEE_USERNAME = "employe"
MANAGER_USERNAME = "gestionnaire"
SHARE_CONFIRMED = 0.6
DAYS_SINCE_LAUNCH = 14
DUE_IN_DAYS = 21
TEAM_LEFT_PENDING = 3  # direct reports of the demo manager who have not confirmed, besides the employee


def seed_campaign(out: TextIO | None = None) -> None:
    """Idempotent: a second run finds the demo campaign of the version in force and changes nothing."""

    def say(line: str) -> None:
        if out is not None:
            out.write(line + "\n")

    version = version_in_force()
    hr = get_user_model().objects.filter(username=HR_USERNAME).first()
    if version is None or hr is None or not version.requires_acknowledgement:
        say("Campagne : aucune version en vigueur à faire confirmer, rien à faire.")
        return
    if Campaign.objects.filter(version=version, title=DEMO_TITLE, created_by=hr).exists():
        say("Campagne : déjà en place, rien à faire.")
        return
    today = timezone.localdate()
    with transaction.atomic():
        campaign = campaign_create(
            actor=hr,
            version=version,
            title=DEMO_TITLE,
            audience=Campaign.Audience.INSTITUTION,
            due_on=today + timedelta(days=DUE_IN_DAYS),
            reminder_every_days=7,
        )
        campaign_launch(campaign=campaign, actor=hr)
        # The launch task also runs after commit; it is idempotent and will find nothing left to do.
        campaign_run_launch(campaign_id=campaign.pk)
        launched_at = timezone.now() - timedelta(days=DAYS_SINCE_LAUNCH)
        _backdate_campaign(campaign, launched_at)
        confirmers = _confirmers(campaign)
        statement = attestation_statement(version)
        text_hash = version.text_hash()
        acks = [
            acknowledgement_record(user=user, version=version, attestation=statement, expected_text_hash=text_hash)
            for user in confirmers
        ]
        _backdate_confirmations(campaign, acks, launched_at)
    total = AcknowledgementRequest.objects.filter(campaign=campaign).count()
    say(f"Campagne {campaign.reference} lancée par les RH : {len(acks)} confirmation(s) sur {total} demande(s).")


def _confirmers(campaign: Campaign) -> list:
    """About 60 % of the audience, never the demo employee nor a few of the demo manager's team."""
    rows = list(
        AcknowledgementRequest.objects.filter(campaign=campaign, satisfied_at=None)
        .select_related("profile__user", "profile__manager__user")
        .order_by("profile__employee_number")
    )
    team = [
        r
        for r in rows
        if r.profile.manager_id
        and r.profile.manager.user.username == MANAGER_USERNAME
        and r.profile.user.username != EMPLOYEE_USERNAME
    ]
    kept_pending = {r.pk for r in team[:TEAM_LEFT_PENDING]}
    eligible = [r for r in rows if r.pk not in kept_pending and r.profile.user.username != EMPLOYEE_USERNAME]
    wanted = min(len(eligible), round(SHARE_CONFIRMED * len(rows)))
    chosen = random.Random(SEED).sample(eligible, wanted)
    return [r.profile.user for r in sorted(chosen, key=lambda r: r.profile.employee_number)]


def _backdate_campaign(campaign: Campaign, launched_at: datetime) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(
        created_at=launched_at - timedelta(days=1),
        launched_at=launched_at,
        launch_finished_at=launched_at + timedelta(minutes=3),
    )
    events = list(CampaignEvent.objects.filter(campaign=campaign).order_by("pk"))
    for step, event in enumerate(events):
        event.created_at = launched_at - timedelta(days=1 if step == 0 else 0) + timedelta(minutes=step)
    CampaignEvent.objects.bulk_update(events, ["created_at"])
    AcknowledgementRequest.objects.filter(campaign=campaign).update(created_at=launched_at, notified_at=launched_at)


def _backdate_confirmations(campaign: Campaign, acks: list[Acknowledgement], launched_at: datetime) -> None:
    """Many confirm in the first days, then a long tail, as after a real launch and its reminder."""
    rng = random.Random(SEED + 1)
    now = timezone.now()
    for ack in acks:
        day = int(rng.expovariate(1 / 3.5)) % DAYS_SINCE_LAUNCH  # the rare long tail wraps round
        at = launched_at + timedelta(days=day, hours=rng.uniform(0.5, 9))
        ack.acknowledged_at = min(at, now - timedelta(minutes=5))
    Acknowledgement.objects.bulk_update(acks, ["acknowledged_at"], batch_size=500)
    requests = list(AcknowledgementRequest.objects.filter(campaign=campaign, acknowledgement__in=acks))
    by_ack = {ack.pk: ack.acknowledged_at for ack in acks}
    for request in requests:
        request.satisfied_at = by_ack[request.acknowledgement_id]
        request.satisfied_on = timezone.localdate(request.satisfied_at)
    AcknowledgementRequest.objects.bulk_update(requests, ["satisfied_at", "satisfied_on"], batch_size=500)
