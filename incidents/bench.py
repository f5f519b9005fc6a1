"""`manage.py bench` section: 100,000 incidents and the handlers' queues at institution scale.

Runs in the bench database, which already holds the synthetic institution (directions with their
heads, ~20,000 staff profiles with managers). It bulk-creates incidents at every level in two stages
(a fifth of TOTAL, then the rest), and after each stage renders the pages of a manager, a direction
head, a DCAI officer, an HR officer and a declarer with the test client: server time (median of REPEAT
warm runs, taken in rounds over all the pages), the number of queries of one run and the share of SQL in
the server time (`portal.bench.measure_page`, `portal.bench.pooled`). The last rows give each page's
growth from the first stage to the second (docs/rules.md, "Performance": a list stays flat, at most 1.2×).

The "plancher" (floor) rows are a page that does not exist, asked by a signed-in person: what every page
pays before its own work (the middleware, the session, the person and their roles, the base template with
the navigation), to read a page's figures against. They are measured with DEBUG off, so the answer is the
portal's own "not found" page, as in production, not Django's debug page.
"""

from __future__ import annotations

import logging
import os
import random
import statistics
import time
from contextlib import nullcontext
from datetime import timedelta
from typing import TextIO

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, F, Max
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from portal.bench import PageFigures, measure_page, pooled
from portal.models import Direction, StaffProfile

from .models import Incident, ReferenceCounter, RegisterEntry
from .retention import register_keep_until
from .services import incident_declare

TOTAL = int(os.environ.get("INCIDENTS_BENCH_TOTAL", "100000"))
FLOOR = "plancher"
BATCH = 5_000
REPEAT = 7
LEVELS = [  # level, share
    (Incident.Level.MANAGER, 0.25),
    (Incident.Level.DIRECTION, 0.12),
    (Incident.Level.DCAI, 0.08),
    (Incident.Level.CLOSED, 0.55),
]


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user, backend="portal.accounts.backends.PortalPasswordBackend")
    return client


def _people() -> dict:
    """The people the pages are measured with, and the staff who declare."""
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
    hr_officer = (
        StaffProfile.objects.filter(direction__role=Direction.Role.HUMAN_RESOURCES, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return {
        "staff": staff,
        "team": team,
        "manager": busiest,
        "dcai": dcai_officer,
        "hr": hr_officer.user if hr_officer else None,
        "declarer": team[0][1] if team else None,
    }


def _build(total: int, rng: random.Random, people: dict) -> None:
    """Bulk-create `total` incidents declared by random staff (one in 200 by the measured manager's team)."""
    staff, team = people["staff"], people["team"]
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


def _spread_dates() -> None:
    """created_at is stamped "now" by bulk_create: set it back to an hour after the content was seen."""
    Incident.objects.filter(created_at__gte=timezone.now() - timedelta(hours=6)).update(
        created_at=F("seen_at") + timedelta(hours=1)
    )


def _register_some(rng: random.Random, after_pk: int, officer) -> None:
    """One new closed incident in a hundred gets its register entry, as DCAI keeps them (§7.3)."""
    closed = Incident.objects.filter(level=Incident.Level.CLOSED, pk__gt=after_pk).values_list(
        "pk", "created_at"
    )
    entries = []
    for pk, created in closed.iterator():
        if rng.random() >= 0.01:
            continue
        entries.append(bench_register_entry(incident_id=pk, learned=timezone.localdate(created), created_by=officer))
    RegisterEntry.objects.bulk_create(entries, batch_size=1000)


def _pages(people: dict) -> list[tuple[str, object, str]]:
    manager, dcai, hr = people["manager"], people["dcai"].user, people["hr"]
    declarer = get_user_model().objects.get(pk=people["declarer"]) if people["declarer"] else manager.user
    head = manager.direction.head
    sample = (
        Incident.objects.filter(level=Incident.Level.DIRECTION, assigned_direction=manager.direction)
        .order_by("pk")
        .first()
    )
    queue = lambda name: reverse("incidents:queue", args=[name])  # noqa: E731
    pages = [
        (f"{FLOOR}, gestionnaire", manager.user, queue("inexistante")),
        (f"{FLOOR}, DCAI", dcai, queue("inexistante")),
        ("gestionnaire", manager.user, queue("a-traiter")),
        ("gestionnaire", manager.user, queue("en-retard")),
        ("gestionnaire", manager.user, queue("recemment-fermes")),
        ("gestionnaire", manager.user, reverse("home")),
        ("direction", head, queue("a-traiter")),
        ("direction", head, queue("recemment-fermes") + "?category=reputation"),
        ("direction", head, reverse("home")),
        ("DCAI", dcai, queue("a-traiter")),
        ("DCAI", dcai, queue("en-retard") + "?page=3"),
        ("DCAI", dcai, queue("recemment-fermes") + "?level=closed&category=copyright"),
        ("DCAI", dcai, sample.get_absolute_url() if sample else reverse("incidents:mine")),
        ("DCAI", dcai, reverse("incidents:register_list")),
        ("DCAI", dcai, reverse("home")),
        ("déclarant", declarer, reverse("incidents:mine")),
        ("déclarant", declarer, reverse("home")),
    ]
    if hr is not None:
        pages.append(("RH", hr, reverse("home")))
    return pages


def _figures(people: dict, out: TextIO) -> dict[tuple[str, str], PageFigures]:
    """Each page REPEAT times, one round over every page after the other: a moment when the shared machine
    runs slower touches one run of each page, not all the runs of one page."""
    pages = _pages(people)
    runs: dict[tuple[str, str], list[PageFigures]] = {(who, url): [] for who, _user, url in pages}
    clients: dict[int, Client] = {}
    # The floor pages are answered "not found": their warnings are not part of what is measured.
    not_found = logging.getLogger("django.request")
    level = not_found.level
    not_found.setLevel(logging.ERROR)
    try:
        for _round in range(REPEAT):
            for who, user, url in pages:
                client = clients.setdefault(user.pk, _client_for(user))
                with override_settings(DEBUG=False) if who.startswith(FLOOR) else nullcontext():
                    runs[(who, url)].append(measure_page(client, url, repeat=1))
    finally:
        not_found.setLevel(level)
    figures = {key: pooled(page_runs) for key, page_runs in runs.items()}
    for (who, url), page in figures.items():
        out.write(f"  {who} {url}: {page}\n")
    return figures


def _analyze() -> None:
    """The steady state of a table written over months: statistics current and pages marked all-visible, as
    autovacuum leaves them after bulk writes (index-only counts depend on it)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {Incident._meta.db_table}")
            cursor.execute(f"VACUUM ANALYZE {RegisterEntry._meta.db_table}")


def bench_register_entry(*, incident_id: int, learned, created_by, **fields) -> RegisterEntry:
    """A register entry with placeholder answers, learned of on `learned` and kept as long as the retention
    rule says (`incidents.retention.register_keep_until`); `fields` replace any of its values."""
    values = {
        "regime": RegisterEntry.Regime.HEALTH,
        "information_description": "Banc d'essai.",
        "circumstances": "Banc d'essai.",
        "incident_start": learned,
        "persons_count": 1,
        "risk_sensitivity": "-",
        "risk_malicious_uses": "-",
        "risk_consequences": "-",
        "risk_likelihood": "-",
        "serious_injury_risk": False,
        "risk_conclusion_reason": "-",
        "measures": "-",
    }
    entry = RegisterEntry(
        incident_id=incident_id, learned_start=learned, created_by=created_by, **{**values, **fields}
    )
    entry.keep_until = register_keep_until(entry)
    return entry


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def queues(out: TextIO) -> list[tuple[str, str]]:
    rng = random.Random(10974)
    rows: list[tuple[str, str]] = []
    existing = Incident.objects.count()
    people = _people()
    stages = [TOTAL // 5, TOTAL]
    built = 0
    measured: list[dict[tuple[str, str], PageFigures]] = []
    for stage in stages:
        started = time.perf_counter()
        after_pk = Incident.objects.aggregate(n=Max("pk"))["n"] or 0
        _build(stage - built, rng, people)
        _spread_dates()
        _register_some(rng, after_pk, people["dcai"].user)
        _analyze()
        built = stage
        rows.append((f"{_thousands(stage)} incidents (bulk_create)", f"{time.perf_counter() - started:.2f} s"))
        out.write(f" {_thousands(stage)} incidents\n")
        figures = _figures(people, out)
        measured.append(figures)
        rows += [(f"{_thousands(stage)} · {who} {url}", str(f)) for (who, url), f in figures.items()]
    first, last = measured[0], measured[-1]
    for key, figures in last.items():
        growth = figures.median / first[key].median if first[key].median else 0.0
        rows.append(
            (
                f"{_thousands(stages[0])} → {_thousands(stages[-1])} · {key[0]} {key[1]}",
                f"×{growth:.2f}, {first[key].queries} → {figures.queries} requêtes, "
                f"{first[key].rows} → {figures.rows} lignes",
            )
        )
    declarer = get_user_model().objects.get(pk=people["declarer"]) if people["declarer"] else people["manager"].user
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
    count = _thousands(Incident.objects.count() - existing)
    rows.append(("incidents créés dans la base", f"{count} (déjà là : {existing}), id max {largest}"))
    return rows
