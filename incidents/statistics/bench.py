"""`manage.py bench` section (after `incidents.bench.queues` and its 100,000 incidents): DCAI's search by
words and by filters, the urgent watch, the statistics page and the board report of a year.

The queues section writes incidents with one description and no course; this section first gives them
varied descriptions, internal notes, the course the statistics read (levels reached, times taken in
charge, automatic escalations), takedowns and register entries, then measures each page with the test
client: median server time of warm runs and the number of queries of one run.
"""

from __future__ import annotations

import os
import random
import statistics as stats
import time
from datetime import timedelta
from typing import TextIO

from django.db import connection, transaction
from django.template.loader import render_to_string
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from portal.bench import SqlClock as _QueryCounter
from portal.models import Direction, StaffProfile

from ..bench import REPEAT, _client_for, bench_register_entry
from ..models import Incident, InternalNote, RegisterEntry, StatisticsChange, StatisticsCount, Takedown
from ..services import board_report_generate
from . import kept
from . import period as periods
from .display import present
from .figures import incident_figures

BATCH = 2000
WORDS = [
    "publication",
    "commentaire",
    "photo",
    "vidéo",
    "capture",
    "chambre",
    "usager",
    "urgence",
    "bracelet",
    "uniforme",
    "stationnement",
    "cafétéria",
    "bloc opératoire",
    "pédiatrie",
    "infirmière",
    "médecin",
    "groupe public",
    "page officielle",
    "faux compte",
    "note interne",
    "dossier",
    "horaire",
    "grève",
    "attente",
    "réseau social",
    "story",
    "diffusion",
    "logo",
    "badge",
    "ascenseur",
]
TEMPLATES = [
    "Une {a} montre {b} dans un {c}.",
    "Un {a} au sujet de {b} circule sur un {c}.",
    "Signalement d'une {a} où l'on voit {b} ; partagée dans un {c}.",
    "{a} publiée par un visiteur : {b} visible, plusieurs partages dans un {c}.",
]


def _text(rng: random.Random) -> str:
    return rng.choice(TEMPLATES).format(a=rng.choice(WORDS), b=rng.choice(WORDS), c=rng.choice(WORDS))


def _course(rng: random.Random, row: dict) -> dict:
    """When each level was reached and taken in charge, consistent with where the incident is or closed."""
    created = row["created_at"]
    reached = row["closed_at_level"] if row["level"] == Incident.Level.CLOSED else row["level"]
    levels = ["manager", "direction", "dcai"]
    top = levels.index(reached) if reached in levels else 0
    start = 0 if row["assigned_manager_id"] else (1 if row["assigned_direction_id"] else 2)
    values: dict = {}
    moment = created
    for index in range(min(start, top), top + 1):
        level = levels[index]
        values[f"reached_{level}_at"] = moment
        if row["level"] == Incident.Level.CLOSED or index < top or rng.random() < 0.6:
            values[f"taken_{level}_at"] = moment + timedelta(minutes=rng.randrange(10, 3 * 24 * 60))
        moment = moment + timedelta(hours=rng.randrange(6, 96))
    late = rng.random() < 0.12
    values["auto_escalations"] = 1 if late and top > 0 else 0
    values["missed_deadline"] = late
    values["description"] = _text(rng)
    return values


def _sql_text(values: list[str]) -> str:
    return "ARRAY[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def _enrich_in_postgresql() -> int:
    """`_enrich` as one statement: at 100,000 rows, row-by-row updates would take many minutes. Each
    description is a template with three words drawn at random, as in `_text`."""
    templates = [t.replace("{a}", "%1$s").replace("{b}", "%2$s").replace("{c}", "%3$s") for t in TEMPLATES]
    words, count = _sql_text(WORDS), len(WORDS)
    sql = f"""
    WITH course AS (
      SELECT id, created_at, level = 'closed' AS closed,
        CASE CASE WHEN level = 'closed' THEN closed_at_level ELSE level END
          WHEN 'manager' THEN 0 WHEN 'direction' THEN 1 ELSE 2 END AS top,
        CASE WHEN assigned_manager_id IS NOT NULL THEN 0 WHEN assigned_direction_id IS NOT NULL THEN 1 ELSE 2 END
          AS start
      FROM incidents_incident
      WHERE reached_manager_at IS NULL AND reached_direction_at IS NULL AND reached_dcai_at IS NULL
    ), r AS (
      SELECT id, created_at, closed, top, LEAST(start, top) AS s, random() AS r1, random() AS r2, random() AS r3,
        random() AS r4, random() AS r5, random() AS r6
      FROM course
    )
    UPDATE incidents_incident AS i SET
      reached_manager_at = CASE WHEN r.s = 0 THEN r.created_at END,
      reached_direction_at = CASE WHEN r.s <= 1 AND r.top >= 1 THEN r.created_at + (1 - r.s) * interval '30 hours' END,
      reached_dcai_at = CASE WHEN r.top = 2 THEN r.created_at + (2 - r.s) * interval '30 hours' END,
      taken_manager_at = CASE WHEN r.s = 0 AND (r.closed OR r.top > 0 OR r.r1 < 0.6)
        THEN r.created_at + r.r2 * interval '72 hours' END,
      taken_direction_at = CASE WHEN r.s <= 1 AND r.top >= 1 AND (r.closed OR r.top > 1 OR r.r1 < 0.6)
        THEN r.created_at + (1 - r.s) * interval '30 hours' + r.r3 * interval '28 hours' END,
      taken_dcai_at = CASE WHEN r.top = 2 AND (r.closed OR r.r1 < 0.6)
        THEN r.created_at + (2 - r.s) * interval '30 hours' + r.r4 * interval '24 hours' END,
      auto_escalations = CASE WHEN r.r5 < 0.12 AND r.top > 0 THEN 1 ELSE 0 END,
      missed_deadline = r.r5 < 0.12,
      description = format(({_sql_text(templates)})[1 + floor(r.r6 * {len(templates)})::int],
        ({words})[1 + floor(random() * {count})::int], ({words})[1 + floor(random() * {count})::int],
        ({words})[1 + floor(random() * {count})::int])
    FROM r WHERE i.id = r.id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.rowcount


def _enrich(rng: random.Random, out: TextIO) -> int:
    if connection.vendor == "postgresql":
        with transaction.atomic():
            return _enrich_in_postgresql()
    fields = [
        "reached_manager_at",
        "reached_direction_at",
        "reached_dcai_at",
        "taken_manager_at",
        "taken_direction_at",
        "taken_dcai_at",
        "auto_escalations",
        "missed_deadline",
        "description",
    ]
    columns = ["pk", "created_at", "level", "closed_at_level", "assigned_manager_id", "assigned_direction_id"]
    rows = list(
        Incident.objects.filter(
            reached_manager_at__isnull=True, reached_direction_at__isnull=True, reached_dcai_at__isnull=True
        )
        .values(*columns)
        .order_by("pk")
    )
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        updated = []
        for row in chunk:
            incident = Incident(pk=row["pk"])
            for name in fields:
                setattr(incident, name, None)
            for name, value in _course(rng, row).items():
                setattr(incident, name, value)
            if incident.auto_escalations is None:
                incident.auto_escalations = 0
            updated.append(incident)
        with transaction.atomic():
            Incident.objects.bulk_update(updated, fields, batch_size=500)
    return len(rows)


def _activity(rng: random.Random, dcai_user) -> tuple[int, int, int]:
    """Internal notes on one incident in five, takedowns on reached-DCAI ones, some register entries."""
    pks = list(Incident.objects.values_list("pk", "created_at", "reached_dcai_at", "category"))
    notes = [
        InternalNote(incident_id=pk, author=dcai_user, level="manager", body=_text(rng))
        for pk, *_rest in pks
        if rng.random() < 0.2
    ]
    InternalNote.objects.bulk_create(notes, batch_size=BATCH)
    takedowns = []
    entries = []
    for pk, _created, reached_dcai, category in pks:
        if reached_dcai is None or rng.random() > 0.15:
            continue
        asked = reached_dcai + timedelta(hours=rng.randrange(1, 48))
        removed = asked + timedelta(hours=rng.randrange(2, 240)) if rng.random() < 0.7 else None
        if removed and removed > timezone.now():
            removed = None
        if asked < timezone.now():
            takedowns.append(
                Takedown(
                    incident_id=pk,
                    requested_to="platform",
                    requested_at=asked,
                    removed_seen_at=removed,
                    recorded_by=dcai_user,
                )
            )
        if category == Incident.Category.PATIENT_INFO and rng.random() < 0.3:
            learned = timezone.localdate(reached_dcai)
            entries.append(
                bench_register_entry(
                    incident_id=pk,
                    learned=learned,
                    created_by=dcai_user,
                    information_description="Nom d'un usager.",
                    incident_start=learned - timedelta(days=1),
                )
            )
    Takedown.objects.bulk_create(takedowns, batch_size=BATCH)
    RegisterEntry.objects.bulk_create(entries, batch_size=BATCH, ignore_conflicts=True)
    return len(notes), len(takedowns), len(entries)


def _database_cpu() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL process, when it runs on this machine."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = open(f"/proc/{pid}/stat").read().split()  # noqa: SIM115, PTH123 - one read
    except OSError:
        return None
    return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")


def _measure(client: Client, url: str) -> tuple[int, float, int, float | None]:
    """HTTP status, median server time of warm runs, queries of one run, and the median CPU time (the
    portal's and its database's): on a machine others keep busy, the time waits for a processor, the CPU
    time says what the page itself costs."""
    client.get(url)  # warm-up
    counter = _QueryCounter()
    with connection.execute_wrapper(counter):
        status = client.get(url).status_code
    timings, cpu = [], []
    for _i in range(REPEAT):
        database = _database_cpu()
        started, own = time.perf_counter(), time.process_time()
        client.get(url)
        timings.append(time.perf_counter() - started)
        after = _database_cpu()
        cpu.append(time.process_time() - own + (after - database if database is not None else 0))
    return status, stats.median(timings), counter.count, stats.median(cpu)


def _row(who: str, url: str, measured: tuple) -> tuple[str, str]:
    status, median, queries, cpu = measured
    return f"{who} {url}", f"{median * 1000:.0f} ms (CPU {cpu * 1000:.0f} ms), {queries} requêtes, HTTP {status}"


def _charts_row(period: periods.Period) -> tuple[str, str]:
    """The statistics' own presentation: labels, bars and the SVG charts with their tables (figures counted
    beforehand, so the time is the server's drawing alone)."""
    figures = incident_figures(period)
    timings = []
    for _i in range(REPEAT):
        t0 = time.perf_counter()
        render_to_string("incidents/statistics/_incidents.html", {"stats": present(figures)})
        timings.append(time.perf_counter() - t0)
    return ("statistiques : graphiques SVG et tableaux (rendu seul)", f"{stats.median(timings) * 1000:.1f} ms")


def oversight(out: TextIO) -> list[tuple[str, str]]:
    rng = random.Random(7210)
    rows: list[tuple[str, str]] = []
    dcai_direction = Direction.objects.get(role=Direction.Role.COMMUNICATIONS)
    dcai = StaffProfile.objects.filter(direction=dcai_direction, is_active=True).select_related("user").first()
    general = Direction.objects.filter(role=Direction.Role.GENERAL).select_related("head").first()
    started = time.perf_counter()
    enriched = _enrich(rng, out)
    enriched_at = time.perf_counter()
    notes, takedowns, entries = _activity(rng, dcai.user)
    active_at = time.perf_counter()
    if connection.vendor == "postgresql":
        kept.fold()  # as beat does every minute
        with connection.cursor() as cursor:
            for model in (Incident, InternalNote, Takedown, RegisterEntry, StatisticsCount, StatisticsChange):
                cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
    rows.append(
        (
            f"préparation : {enriched} incidents, {notes} notes, {takedowns} retraits, {entries} inscriptions",
            f"{time.perf_counter() - started:.1f} s (parcours {enriched_at - started:.1f} s, activité "
            f"{active_at - enriched_at:.1f} s, compteurs et VACUUM {time.perf_counter() - active_at:.1f} s)",
        )
    )
    sample = Incident.objects.filter(urgent=True).exclude(level=Incident.Level.CLOSED).order_by("pk").first()
    person = StaffProfile.objects.select_related("user").order_by("pk")[100]
    direction = Direction.objects.exclude(pk=dcai_direction.pk).order_by("code").first()
    search = reverse("incidents:search")
    today = timezone.localdate()
    last_year = str(today.year - 1)
    pages = [
        ("DCAI", dcai.user, f"{search}?q={sample.reference if sample else 'INC-2025-00001'}"),
        ("DCAI", dcai.user, f"{search}?q=bracelet+chambre"),
        ("DCAI", dcai.user, f"{search}?q=publication&sort=deadline&page=3"),
        ("DCAI", dcai.user, f"{search}?urgent=oui&status=en-cours&sort=deadline"),
        ("DCAI", dcai.user, f"{search}?category=patient_info&level=dcai&direction={direction.pk}&overdue=on"),
        ("DCAI", dcai.user, f"{search}?person={person.user.last_name}&person_role=declarer"),
        ("DCAI", dcai.user, f"{search}?declared_from={today - timedelta(days=90)}&declared_to={today}&sort=level"),
        ("DCAI", dcai.user, reverse("home")),
    ]
    statistics_pages = [
        ("DCAI", dcai.user, reverse("incidents:statistics")),
        ("DCAI", dcai.user, reverse("incidents:statistics") + f"?period={last_year}&direction={direction.pk}"),
        (
            "direction générale",
            general.head if general and general.head else dcai.user,
            reverse("incidents:statistics") + f"?period={last_year}",
        ),
    ]
    pages += statistics_pages
    for who, user, url in pages:
        rows.append(_row(who, url, _measure(_client_for(user), url)))
        out.write(f"  {rows[-1][0]}: {rows[-1][1]}\n")
    # The statistics counted on every page (no figures kept: STATISTICS_CACHE_SECONDS=0), as the first page
    # after an action counts them.
    with override_settings(STATISTICS_CACHE_SECONDS=0):
        for who, user, url in statistics_pages:
            rows.append(_row(f"{who} (comptés à chaque page)", url, _measure(_client_for(user), url)))
            out.write(f"  {rows[-1][0]}: {rows[-1][1]}\n")
    rows.append(_charts_row(periods.last_12_months(today)))
    from ..selectors import urgent_watch

    timings = []
    for _i in range(REPEAT):
        t0 = time.perf_counter()
        urgent_watch(dcai.user, limit=8)
        timings.append(time.perf_counter() - t0)
    rows.append(("veille des incidents urgents (sélecteur)", f"{stats.median(timings) * 1000:.0f} ms"))
    timings = []
    for _i in range(3):
        t0 = time.perf_counter()
        board_report_generate(actor=dcai.user, period=periods.year(today.year - 1), language="fr")
        timings.append(time.perf_counter() - t0)
    rows.append(
        (
            f"rapport au CA, année {today.year - 1} (chiffres + PDF, conservé)",
            f"{stats.median(timings):.2f} s (médiane de 3)",
        )
    )
    return rows
