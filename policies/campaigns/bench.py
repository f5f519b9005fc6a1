"""`manage.py bench` section: a campaign for the whole institution, and the pages that follow it.

Runs in the bench database (built by portal.bench.build_institution). It launches a campaign for
everyone (every request and notification row written, the launch task in-process), simulates
confirmations spread over three weeks, then renders the HR dashboard, the drill-down list, the
exports and a manager's team page with the test client, measuring server time and queries.
Email delivery is left out (the notifications section measures it): the rows stay in the outbox.
"""

from __future__ import annotations

import datetime
import random
import statistics
import time
from typing import Any, TextIO
from unittest import mock

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from policies.models import Acknowledgement, Policy, PolicyVersion, Section
from portal.models import Direction, StaffProfile
from portal.notifications.models import Notification

from . import services
from .models import AcknowledgementRequest, Campaign

Rows = list[tuple[str, Any]]
CONFIRMED_SHARE = 0.62
DAYS = 21
REPEAT = 5


def _ms(value: float) -> str:
    return f"{value * 1000:.0f} ms"


def _version_in_force() -> PolicyVersion:
    version = (
        PolicyVersion.objects.filter(status=PolicyVersion.Status.IN_FORCE, requires_acknowledgement=True)
        .order_by("pk")
        .first()
    )
    if version is not None:
        return version
    policy, _created = Policy.objects.get_or_create(
        number=settings.PORTAL_POLICY_NUMBER,
        defaults={"title_fr": "Politique sur l'utilisation des médias sociaux"},
    )
    if policy.versions.filter(status=PolicyVersion.Status.IN_FORCE).exists():
        raise RuntimeError("the policy in force does not require acknowledgement")
    version = PolicyVersion.objects.create(
        policy=policy,
        label="bench",
        status=PolicyVersion.Status.IN_FORCE,
        purpose="Encadrer l'utilisation des médias sociaux.",
        approved_on=datetime.date(2018, 5, 25),
        effective_on=datetime.date(2018, 6, 1),
        resolution_number="RCA 2018-05-3008",
    )
    Section.objects.bulk_create(
        Section(version=version, order=i, number=str(i + 1), title=f"Section {i + 1}", body="Texte. " * 80)
        for i in range(12)
    )
    return version


def _hr_user():
    profile = (
        StaffProfile.objects.select_related("user")
        .filter(direction__role=Direction.Role.HUMAN_RESOURCES, is_active=True)
        .order_by("pk")
        .first()
    )
    if profile is None:
        raise RuntimeError("the bench institution has no HR staff")
    return profile.user


def _simulate_confirmations(campaign: Campaign, version: PolicyVersion) -> int:
    """Back-date the launch and confirm a share of the requests over the following days (setup only)."""
    rng = random.Random(10974)
    now = timezone.now()
    launched_at = now - datetime.timedelta(days=DAYS)
    Campaign.objects.filter(pk=campaign.pk).update(launched_at=launched_at)
    pending = list(
        AcknowledgementRequest.objects.filter(campaign=campaign, satisfied_at=None).values_list(
            "pk", "profile__user_id"
        )
    )
    chosen = rng.sample(pending, int(len(pending) * CONFIRMED_SHARE))
    text_hash = version.text_hash()
    with transaction.atomic():
        Acknowledgement.objects.bulk_create(
            [
                Acknowledgement(version=version, user_id=user_id, text_hash=text_hash, attestation="banc")
                for _r, user_id in chosen
            ],
            batch_size=2000,
            ignore_conflicts=True,
        )
        ack_of = dict(Acknowledgement.objects.filter(version=version).values_list("user_id", "pk"))
        by_day: dict[int, list[int]] = {}
        updates = []
        for request_id, user_id in chosen:
            # Most people confirm in the first days, then a long tail.
            day = min(DAYS - 1, int(rng.expovariate(1 / 4)))
            at = launched_at + datetime.timedelta(days=day, hours=rng.randint(8, 17))
            by_day.setdefault(day, []).append(user_id)
            updates.append(
                AcknowledgementRequest(
                    pk=request_id,
                    satisfied_at=at,
                    satisfied_on=timezone.localdate(at),
                    acknowledgement_id=ack_of[user_id],
                )
            )
        AcknowledgementRequest.objects.bulk_update(
            updates, ["satisfied_at", "satisfied_on", "acknowledgement"], batch_size=1000
        )
        for day, user_ids in by_day.items():
            Acknowledgement.objects.filter(version=version, user_id__in=user_ids).update(
                acknowledged_at=launched_at + datetime.timedelta(days=day, hours=12)
            )
    return len(chosen)


class _QueryCounter:
    """Counts the queries of a block (unlike the debug log, never capped)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _measure(client: Client, url: str) -> tuple[int, float, int]:
    """(status, median server time over REPEAT warm runs, queries of one run)."""
    response = client.get(url)  # warm-up (template loading, caches)
    queries = _QueryCounter()
    with connection.execute_wrapper(queries):
        response = client.get(url)
    timings = []
    for _i in range(REPEAT):
        started = time.perf_counter()
        client.get(url)
        timings.append(time.perf_counter() - started)
    return response.status_code, statistics.median(timings), queries.count


def _bare_bulk_create(campaign: Campaign) -> float:
    """Seconds to write the launch's rows (one request and one notification per person) with nothing but
    `bulk_create`, in a transaction rolled back: the floor the launch is compared with."""
    requests = list(AcknowledgementRequest.objects.filter(campaign=campaign).values_list("profile_id", "due_on"))
    users = dict(StaffProfile.objects.values_list("pk", "user_id"))
    notifications = Notification.objects.filter(kind="campaigns.request", target_id=str(campaign.pk))
    with transaction.atomic():
        # The launch's own rows make room (untimed) for the same rows written again, then all is undone.
        notifications._raw_delete(notifications.db)
        AcknowledgementRequest.objects.filter(campaign=campaign)._raw_delete(notifications.db)
        started = time.perf_counter()
        AcknowledgementRequest.objects.bulk_create(
            (AcknowledgementRequest(campaign=campaign, profile_id=p, due_on=d) for p, d in requests),
            batch_size=2000,
        )
        Notification.objects.bulk_create(
            (
                Notification(recipient_id=users[p], kind="campaigns.request", target_id=str(campaign.pk))
                for p, _d in requests
            ),
            batch_size=2000,
        )
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds


def campaign(out: TextIO) -> Rows:
    rows: Rows = []
    version = _version_in_force()
    hr = _hr_user()
    handed_over: list[int] = []
    due_on = timezone.localdate() + datetime.timedelta(days=30)
    draft = services.campaign_create(
        actor=hr,
        version=version,
        title="Banc d'essai",
        audience=Campaign.Audience.INSTITUTION,
        due_on=due_on,
        reminder_every_days=7,
    )
    out.write(_("Lancement d'une campagne pour tout l'établissement…") + "\n")
    # Delivery is another section's figure: count what would be handed to Celery instead of sending it.
    reverse("campaigns:list")  # a running worker has its URL configuration loaded already
    # The launch task runs here, in-process, rather than from the commit hook.
    with (
        mock.patch(
            "portal.notifications.services.enqueue_deliveries",
            side_effect=lambda ids: handed_over.extend(ids),
        ),
        mock.patch("policies.campaigns.services.lifecycle._enqueue_launch"),
    ):
        started = time.perf_counter()
        services.campaign_launch(campaign=draft, actor=hr)
        services.campaign_run_launch(campaign_id=draft.pk)
        launch_seconds = time.perf_counter() - started
    draft.refresh_from_db()
    requests = AcknowledgementRequest.objects.filter(campaign=draft).count()
    notifications = Notification.objects.filter(kind="campaigns.request", target_id=str(draft.pk)).count()
    if draft.status != Campaign.Status.LAUNCHED or requests != draft.launch_total:
        raise RuntimeError(f"launch incomplete: {draft.status}, {requests}/{draft.launch_total}")
    rows += [
        (_("personnes visées"), draft.launch_total),
        (_("lancement : demandes + notifications écrites"), f"{launch_seconds:.2f} s"),
        (_("demandes / notifications écrites"), f"{requests} / {notifications}"),
        (_("notifications confiées à Celery après commit"), len(handed_over)),
    ]
    started = time.perf_counter()
    with mock.patch("portal.notifications.services.enqueue_deliveries"):
        again = services.campaign_run_launch(campaign_id=draft.pk)
    rows.append(
        (
            _("relance du lancement (rien à refaire : %(n)s avis)") % {"n": again},
            f"{time.perf_counter() - started:.2f} s",
        )
    )

    bare = _bare_bulk_create(draft)
    rows.append((_("mêmes lignes par bulk_create nu (annulé)"), f"{bare:.2f} s"))
    rows.append((_("ratio campagne : lancement / bulk_create nu"), f"{launch_seconds / bare:.2f}" if bare else "-"))

    confirmed = _simulate_confirmations(draft, version)
    # The institution and the confirmations were bulk-loaded: give the planner its statistics,
    # as a database in service has them.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    rows.append((_("confirmations simulées sur %(d)s jours") % {"d": DAYS}, confirmed))

    client = Client()
    client.force_login(hr, backend="portal.accounts.backends.PortalPasswordBackend")
    pages = [
        (_("tableau de bord RH"), reverse("campaigns:dashboard", args=[draft.pk])),
        (
            _("tableau de bord RH, gestionnaires p. 10"),
            reverse("campaigns:dashboard", args=[draft.pk]) + "?mpage=10",
        ),
        (
            _("liste des personnes (p. 1, en attente)"),
            reverse("campaigns:people", args=[draft.pk]) + "?status=pending",
        ),
        (_("liste des campagnes RH"), reverse("campaigns:list")),
        (_("accueil d'une personne des RH"), reverse("home")),
    ]
    for label, url in pages:
        status, median, queries = _measure(client, url)
        rows.append(
            (label, f"{_ms(median)}, {queries} requêtes" + ("" if status == 200 else f" (HTTP {status})"))
        )
    for fmt in ("csv", "xlsx"):
        started = time.perf_counter()
        response = client.get(reverse("campaigns:export", args=[draft.pk, fmt]))
        size = len(response.content)
        rows.append(
            (
                _("export %(fmt)s, toutes les personnes") % {"fmt": fmt.upper()},
                f"{time.perf_counter() - started:.2f} s, {size // 1024} Kio",
            )
        )

    manager = (
        StaffProfile.objects.filter(is_active=True, reports__is_active=True)
        .annotate(n=Count("reports"))
        .order_by("-n", "pk")
        .select_related("user")
        .first()
    )
    manager_client = Client()
    manager_client.force_login(manager.user, backend="portal.accounts.backends.PortalPasswordBackend")
    status, median, queries = _measure(manager_client, reverse("campaigns:team", args=[draft.pk]))
    rows.append(
        (
            _("page d'équipe d'un gestionnaire (%(n)s personnes)") % {"n": manager.n},
            f"{_ms(median)}, {queries} requêtes" + ("" if status == 200 else f" (HTTP {status})"),
        )
    )

    # One person confirms through the page (the real path: hash, attestation, requests satisfied).
    pending = (
        AcknowledgementRequest.objects.filter(campaign=draft, satisfied_at=None)
        .select_related("profile__user")
        .order_by("pk")
        .first()
    )
    person = Client()
    person.force_login(pending.profile.user, backend="portal.accounts.backends.PortalPasswordBackend")
    url = reverse("campaigns:request", args=[pending.pk])
    person.get(url)
    started = time.perf_counter()
    response = person.post(url, {"attestation": "on", "text_hash": version.text_hash()})
    rows.append(
        (
            _("confirmation d'une personne (POST)"),
            _ms(time.perf_counter() - started)
            + ("" if response.status_code == 302 else f" (HTTP {response.status_code})"),
        )
    )
    return rows
