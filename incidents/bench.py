"""`manage.py bench` section: 100,000 incidents and the handlers' queues at institution scale.

Runs in the bench database, which already holds the synthetic institution (directions with their
heads, ~20,000 staff profiles with managers). It bulk-creates incidents at every level, then renders
the queue pages of a manager, a direction head and a DCAI officer with the test client, measuring
server time (median of warm runs) and the number of queries of one run.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from datetime import timedelta
from typing import TextIO

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, F, Max
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.models import Direction, StaffProfile

from .models import Incident, ReferenceCounter
from .services import incident_declare

TOTAL = int(os.environ.get("INCIDENTS_BENCH_TOTAL", "100000"))
BATCH = 5_000
REPEAT = 5
LEVELS = [  # level, share
    (Incident.Level.MANAGER, 0.25),
    (Incident.Level.DIRECTION, 0.12),
    (Incident.Level.DCAI, 0.08),
    (Incident.Level.CLOSED, 0.55),
]


class _QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _measure(client: Client, url: str) -> tuple[int, float, int]:
    client.get(url)  # warm-up
    counter = _QueryCounter()
    with connection.execute_wrapper(counter):
        status = client.get(url).status_code
    timings = []
    for _i in range(REPEAT):
        started = time.perf_counter()
        client.get(url)
        timings.append(time.perf_counter() - started)
    return status, statistics.median(timings), counter.count


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _build(total: int, rng: random.Random) -> dict:
    """Bulk-create `total` incidents declared by random staff; return the people to measure with."""
    staff = list(
        StaffProfile.objects.filter(is_active=True).values_list("pk", "user_id", "direction_id", "manager_id")
    )
    directions = {d.pk: d for d in Direction.objects.all()}
    dcai = next(d for d in directions.values() if d.role == Direction.Role.COMMUNICATIONS)
    busiest = (
        StaffProfile.objects.filter(reports__isnull=False, direction__head__isnull=False)
        .exclude(direction=dcai)
        .annotate(n=Count("reports"))
        .order_by("-n", "pk")
        .select_related("user", "direction__head")
        .first()
    )
    team = [row for row in staff if busiest is not None and row[3] == busiest.pk]
    dcai_officer = StaffProfile.objects.filter(direction=dcai, is_active=True).select_related("user").first()
    now = timezone.now()
    levels, weights = zip(*LEVELS, strict=True)
    categories = Incident.Category.values
    platforms = Incident.Platform.values
    counters: dict[int, int] = {c.year: c.last for c in ReferenceCounter.objects.all()}
    rows = []

    def flush():
        Incident.objects.bulk_create(rows, batch_size=1000)
        rows.clear()

    with transaction.atomic():
        for i in range(total):
            # One in 200 comes from the measured manager's team, so their queue holds a busy team's share.
            pool = team if team and i % 200 == 0 else staff
            _pk, user_id, direction_id, manager_id = pool[rng.randrange(len(pool))]
            level = rng.choices(levels, weights)[0]
            created = now - timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
            year = timezone.localtime(created).year
            counters[year] = counters.get(year, 0) + 1
            closed = level == Incident.Level.CLOSED
            reached_direction = level in (Incident.Level.DIRECTION, Incident.Level.DCAI) or (
                closed and rng.random() < 0.4
            )
            if level == Incident.Level.MANAGER and manager_id is None:
                level = Incident.Level.DIRECTION
                reached_direction = True
            incident = Incident(
                reference=f"INC-{year}-{counters[year]:05d}",
                declarer_id=user_id,
                description="Synthèse de banc d'essai.",
                platform=rng.choice(platforms),
                seen_at=created - timedelta(hours=1),
                category=rng.choice(categories),
                patient_info_exposed=rng.random() < 0.05,
                concerned_kind=Incident.Concerned.INSTITUTION,
                level=level,
                status=Incident.Status.CLOSED
                if closed
                else rng.choice(
                    [Incident.Status.OPEN, Incident.Status.IN_PROGRESS, Incident.Status.AWAITING_DECLARER]
                ),
                direction_id=direction_id,
                assigned_manager_id=manager_id
                if manager_id and (level == "manager" or rng.random() < 0.7)
                else None,
                assigned_direction_id=direction_id if reached_direction else None,
                deadline_at=None if closed else now + timedelta(hours=rng.randrange(-72, 120)),
                outcome=rng.choice(Incident.Outcome.values) if closed else "",
                closure_reason="Banc d'essai." if closed else "",
                closed_at=created + timedelta(days=rng.randrange(1, 15)) if closed else None,
                closed_at_level=rng.choice(["manager", "dcai"]) if closed else "",
            )
            rows.append(incident)
            if len(rows) >= BATCH:
                flush()
        flush()
        for year, last in counters.items():
            ReferenceCounter.objects.update_or_create(year=year, defaults={"last": last})
    return {"manager": busiest, "dcai": dcai_officer, "declarer": team[0][1] if team else None}


def _spread_dates() -> None:
    """created_at is stamped "now" by bulk_create: set it back to an hour after the content was seen."""
    Incident.objects.filter(created_at__gte=timezone.now() - timedelta(hours=6)).update(
        created_at=F("seen_at") + timedelta(hours=1)
    )


def queues(out: TextIO) -> list[tuple[str, str]]:
    rng = random.Random(10974)
    rows: list[tuple[str, str]] = []
    existing = Incident.objects.count()
    started = time.perf_counter()
    people = _build(TOTAL, rng)
    _spread_dates()
    rows.append(
        (f"{TOTAL:,} incidents (bulk_create)".replace(",", " "), f"{time.perf_counter() - started:.2f} s")
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Incident._meta.db_table}")
    manager = people["manager"]
    declarer = get_user_model().objects.get(pk=people["declarer"]) if people["declarer"] else manager.user
    head = manager.direction.head if manager else None
    dcai = people["dcai"]
    sample = Incident.objects.filter(
        level=Incident.Level.DIRECTION, assigned_direction=manager.direction
    ).first()
    pages = [
        ("gestionnaire", manager.user, reverse("incidents:queue", args=["a-traiter"])),
        ("gestionnaire", manager.user, reverse("incidents:queue", args=["en-retard"])),
        ("gestionnaire", manager.user, reverse("incidents:queue", args=["recemment-fermes"])),
        ("direction", head, reverse("incidents:queue", args=["a-traiter"])),
        ("direction", head, reverse("incidents:queue", args=["recemment-fermes"]) + "?category=reputation"),
        ("DCAI", dcai.user, reverse("incidents:queue", args=["a-traiter"])),
        ("DCAI", dcai.user, reverse("incidents:queue", args=["en-retard"]) + "?page=3"),
        (
            "DCAI",
            dcai.user,
            reverse("incidents:queue", args=["recemment-fermes"]) + "?level=closed&category=copyright",
        ),
        ("DCAI", dcai.user, sample.get_absolute_url() if sample else reverse("incidents:mine")),
        ("déclarant", declarer, reverse("incidents:mine")),
    ]
    for who, user, url in pages:
        status, median, queries = _measure(_client_for(user), url)
        rows.append((f"{who} {url}", f"{median * 1000:.0f} ms, {queries} requêtes, HTTP {status}"))
        out.write(f"  {who} {url}: {median * 1000:.0f} ms, {queries} queries\n")
    timings = []
    for _i in range(REPEAT):
        t0 = time.perf_counter()
        incident_declare(
            declarer=declarer,
            description="Banc d'essai",
            platform="x",
            seen_at=timezone.now(),
            category="other",
            patient_info_exposed=False,
            concerned_kind="institution",
        )
        timings.append(time.perf_counter() - t0)
    rows.append(("déclaration (service, un incident)", f"{statistics.median(timings) * 1000:.0f} ms"))
    largest = Incident.objects.aggregate(n=Max("pk"))["n"]
    count = f"{Incident.objects.count() - existing:,}".replace(",", " ")
    rows.append(("incidents créés dans la base", f"{count} (déjà là : {existing}), id max {largest}"))
    return rows
