"""Incident statistics of a period: counts and times only, never the content of an incident (§7.2, §7.3).

`incident_figures` answers in a constant number of queries, whatever the number of incidents, and returns
plain values (JSON-ready: codes, counts, seconds) so the statistics page, its exports and the board report
(§7.1) show the same figures: a board report keeps them as they were on the day it was generated.

What the figures count:
- incidents declared during the period (optionally of one direction): by month, category, platform,
  direction, level reached (where it was closed, else where it is) and outcome ("open" while not closed);
- time to take in charge at each level (from its arrival at the level to the first take in charge there)
  and time to close (from the declaration to the closure, by the level that closed it), as the median and
  the 90th percentile (continuous percentiles, as PostgreSQL's percentile_cont);
- overdue: incidents that missed a level's deadline (escalated by the portal, or DCAI reminded, or still
  open past their deadline) and the automatic escalations;
- takedowns requested during the period, how many were seen removed, and the median time to removal;
- confidentiality-register entries whose incident became known during the period, and the notices dated
  in the period (minister, Commission d'accès à l'information, persons concerned).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from functools import reduce

from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import Aggregate, Count, F, FloatField, Func, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from portal.models import Direction

from ..models import Incident, RegisterEntry, Takedown
from . import kept
from .period import Period

Level = Incident.Level
LEVELS = (Level.MANAGER, Level.DIRECTION, Level.DCAI)
# §7.4: a direction never closes; a manager closes what is unfounded (§7.6), DCAI the rest (§7.3).
CLOSING_LEVELS = (Level.MANAGER, Level.DCAI)
OPEN = "open"
FRACTIONS = (0.5, 0.9)


# --- Percentiles -------------------------------------------------------------------------------------


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """The continuous percentile of PostgreSQL's percentile_cont: linear between the two nearest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    lower, upper = math.floor(position), math.ceil(position)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


class _PercentileCont(Aggregate):
    """percentile_cont(ARRAY[fractions]) WITHIN GROUP (ORDER BY expression), PostgreSQL only: every
    fraction from one sort of the values."""

    function = "percentile_cont"
    template = "%(function)s(ARRAY[%(fractions)s]) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fractions: Sequence[float], **extra):
        super().__init__(
            expression,
            fractions=", ".join(repr(float(f)) for f in fractions),
            output_field=ArrayField(FloatField()),
            **extra,
        )


class _Seconds(Func):
    """Seconds from the second timestamp to the first (PostgreSQL): date_part gives a double at once, where
    EXTRACT computes a numeric for every row (a third of the time of the percentiles)."""

    template = "date_part('epoch', %(expressions)s)"
    arg_joiner = " - "
    output_field = FloatField()


def _native_percentiles() -> bool:
    return connection.vendor == "postgresql"


def _summary(values: Sequence[float]) -> dict:
    return {"count": len(values), **{_key(f): _round(percentile(values, f)) for f in FRACTIONS}}


def _key(fraction: float) -> str:
    return f"p{round(fraction * 100)}"


def _round(seconds: float | None) -> int | None:
    return None if seconds is None else round(seconds)


def _take_pairs() -> dict[str, tuple[str, str]]:
    return {level: (f"taken_{level}_at", f"reached_{level}_at") for level in LEVELS}


def _close_filters() -> dict[str, Q]:
    close_filter: dict[str, Q] = {level: Q(level=Level.CLOSED, closed_at_level=level) for level in CLOSING_LEVELS}
    close_filter["all"] = Q(level=Level.CLOSED)
    return close_filter


def _duration_aggregates() -> dict:
    """PostgreSQL: the times' counts and percentiles, as aggregates of the one pass over the incidents."""
    aggregates = {}
    for level, (end, start) in _take_pairs().items():
        present = Q(**{f"{end}__isnull": False, f"{start}__isnull": False})
        aggregates[f"take_{level}_count"] = Count("pk", filter=present)
        aggregates[f"take_{level}"] = _PercentileCont(_Seconds(F(end), F(start)), FRACTIONS, filter=present)
    for name, condition in _close_filters().items():
        aggregates[f"close_{name}_count"] = Count("pk", filter=condition)
        aggregates[f"close_{name}"] = _PercentileCont(
            _Seconds(F("closed_at"), F("created_at")), FRACTIONS, filter=condition
        )
    return aggregates


def _durations_of(row: dict) -> dict:
    """Times to take in charge (per level) and to close (per closing level, and all), from the aggregates."""

    def pick(prefix: str) -> dict:
        values = row[prefix] or [None] * len(FRACTIONS)
        percentiles = {_key(f): _round(v) for f, v in zip(FRACTIONS, values, strict=True)}
        return {"count": row[f"{prefix}_count"], **percentiles}

    return {
        "take": {level: pick(f"take_{level}") for level in LEVELS},
        "close": {name: pick(f"close_{name}") for name in _close_filters()},
    }


def _durations_read(incidents: QuerySet) -> dict:
    """Other databases (the embedded SQLite default, a small institution): the times, then the percentiles."""
    take = _take_pairs()
    close_filter = _close_filters()
    columns = [name for pair in take.values() for name in pair] + ["created_at", "closed_at", "closed_at_level"]
    takes: dict[str, list[float]] = {level: [] for level in LEVELS}
    closes: dict[str, list[float]] = {name: [] for name in close_filter}
    rows = incidents.filter(
        Q(level=Level.CLOSED)
        | Q(taken_manager_at__isnull=False)
        | Q(taken_direction_at__isnull=False)
        | Q(taken_dcai_at__isnull=False)
    ).values_list(*columns)
    for row in rows:
        values = dict(zip(columns, row, strict=True))
        for level, (end, start) in take.items():
            if values[end] is not None and values[start] is not None:
                takes[level].append((values[end] - values[start]).total_seconds())
        if values["closed_at"] is not None:
            seconds = (values["closed_at"] - values["created_at"]).total_seconds()
            closes["all"].append(seconds)
            if values["closed_at_level"] in closes:
                closes[values["closed_at_level"]].append(seconds)
    return {
        "take": {level: _summary(takes[level]) for level in LEVELS},
        "close": {name: _summary(closes[name]) for name in close_filter},
    }


# --- Counts ------------------------------------------------------------------------------------------


def _reached(level: str) -> Q:
    return Q(level=level) | Q(level=Level.CLOSED, closed_at_level=level)


def _count_aggregates() -> dict:
    """Every count by a fixed list of values, as filtered counts of one pass over the incidents. PostgreSQL
    keeps the same counts per month and direction (migration 0009, incidents_statistics_keys: keep both in
    step). None depends on the time of day: "open past its deadline" is `_overdue_now`."""
    aggregates = {
        "total": Count("pk"),
        "urgent": Count("pk", filter=Q(urgent=True)),
        "open": Count("pk", filter=~Q(level=Level.CLOSED)),
        "missed": Count("pk", filter=Q(missed_deadline=True)),
        "auto_escalated": Count("pk", filter=Q(auto_escalations__gt=0)),
        "auto_escalations": Coalesce(Sum("auto_escalations"), 0),
    }
    for code in Incident.Category.values:
        aggregates[f"category_{code}"] = Count("pk", filter=Q(category=code))
    for code in Incident.Platform.values:
        aggregates[f"platform_{code}"] = Count("pk", filter=Q(platform=code))
    for code in LEVELS:
        aggregates[f"level_{code}"] = Count("pk", filter=_reached(code))
    for code in Incident.Outcome.values:
        aggregates[f"outcome_{code}"] = Count("pk", filter=Q(level=Level.CLOSED, outcome=code))
    return aggregates


def _overdue_now(now: datetime) -> dict:
    """Overdue: missed a level's deadline (counted as "missed"), or still open past its deadline now."""
    late = ~Q(level=Level.CLOSED) & Q(missed_deadline=False, deadline_at__lt=now)
    return {"open_past_deadline": Count("pk", filter=late)}


# Up to this many months (a custom period of three years), each month is a filtered count of the one pass;
# a longer period groups its months in a pass of their own.
MONTHS_IN_ONE_PASS = 36


def _month_aggregates(months: list[date]) -> dict:
    """A filtered count per month (their first days), each from its first instant to the next month's."""
    return {
        f"month_{first:%Y-%m}": Count(
            "pk", filter=Q(created_at__gte=_local_start(first), created_at__lt=_local_start(_next_month(first)))
        )
        for first in months
    }


def _next_month(first: date) -> date:
    return (first + timedelta(days=32)).replace(day=1)


def _local_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def _by_month(incidents: QuerySet, period: Period, counts: dict) -> list[list]:
    tokens = [f"{month:%Y-%m}" for month in period.months()]
    if all(f"month_{token}" in counts for token in tokens):
        return [[token, counts[f"month_{token}"]] for token in tokens]
    counted = {
        (
            timezone.localtime(row["month"]).date().replace(day=1)
            if isinstance(row["month"], datetime)
            else row["month"]
        ).strftime("%Y-%m"): row["n"]
        for row in incidents.annotate(month=TruncMonth("created_at")).values("month").annotate(n=Count("pk")).order_by()
    }
    return [[token, counted.get(token, 0)] for token in tokens]


def _direction_aggregates(directions: list[Direction]) -> dict:
    aggregates = {
        f"direction_{direction.pk}": Count("pk", filter=Q(direction_id=direction.pk)) for direction in directions
    }
    aggregates["direction_none"] = Count("pk", filter=Q(direction__isnull=True))
    return aggregates


def _by_direction(directions: list[Direction], counts: dict) -> list[list]:
    """Every direction with incidents, most first (then by code); "without a direction" last among equals."""
    rows = [[d.code, d.name_fr, d.name_en, counts.get(f"direction_{d.pk}", 0)] for d in directions]
    rows = sorted((row for row in rows if row[3]), key=lambda row: (-row[3], row[0]))
    without = counts.get("direction_none", 0)
    if without:
        at = next((i for i, row in enumerate(rows) if row[3] < without), len(rows))
        rows.insert(at, ["", "", "", without])
    return rows


def _takedown_aggregates(period: Period, direction_id: int | None) -> tuple[QuerySet, dict]:
    start, end = period.bounds()
    takedowns = Takedown.objects.filter(requested_at__gte=start, requested_at__lt=end)
    if direction_id:
        takedowns = takedowns.filter(incident__direction_id=direction_id)
    removed = Q(removed_seen_at__isnull=False)
    aggregates = {"requested": Count("pk"), "obtained": Count("pk", filter=removed)}
    if _native_percentiles():
        seconds = _Seconds(F("removed_seen_at"), F("requested_at"))
        aggregates["median_removal"] = _PercentileCont(seconds, [0.5], filter=removed)
    return takedowns, aggregates


def _takedowns(takedowns: QuerySet, row: dict) -> dict:
    """Takedowns requested during the period, how many were seen removed, the median time to removal."""
    if _native_percentiles():
        median = row["median_removal"][0] if row["median_removal"] else None
    else:
        pairs = takedowns.filter(removed_seen_at__isnull=False).values_list("requested_at", "removed_seen_at")
        median = percentile([(seen - asked).total_seconds() for asked, seen in pairs], 0.5)
    return {"requested": row["requested"], "obtained": row["obtained"], "median_removal": _round(median)}


def _register_aggregates(period: Period, direction_id: int | None) -> tuple[QuerySet, dict]:
    entries = RegisterEntry.objects.all()
    if direction_id:
        entries = entries.filter(incident__direction_id=direction_id)
    within = {"__gte": period.start, "__lte": period.end}

    def dated(field: str) -> Q:
        return Q(**{f"{field}{lookup}": value for lookup, value in within.items()})

    learned = dated("learned_start")
    return entries, {
        "entries": Count("pk", filter=learned),
        "serious_risk": Count("pk", filter=learned & Q(serious_injury_risk=True)),
        "minister": Count("pk", filter=dated("minister_notified_on")),
        "cai": Count("pk", filter=dated("cai_notified_on")),
        "persons": Count("pk", filter=dated("persons_notified_on")),
        "public": Count("pk", filter=learned & Q(public_notice=True)),
    }


def _aggregated_together(*parts: tuple[QuerySet, dict]) -> dict:
    """The aggregates of several tables in one statement, each table's as a subquery of one row."""
    subqueries, params, names = [], [], []
    for queryset, aggregates in parts:
        query = queryset.order_by().values(_one=Value(1)).annotate(**aggregates).values(*aggregates).query
        sql, part_params = query.sql_with_params()
        subqueries.append(f"({sql}) AS part_{len(subqueries)}")
        params.extend(part_params)
        names.extend(aggregates)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {' CROSS JOIN '.join(subqueries)}", params)
        return dict(zip(names, cursor.fetchone(), strict=True))


def _rate(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _kept_months(period: Period, months: list[date]) -> list[date]:
    """The months whose kept counts are exactly the period's: those it covers whole, and its last month
    from its first day when nothing was declared after the period's end in that month (a period that ends
    today: nothing is declared in the future), which spares counting that month's days afresh."""
    whole = kept.whole_months(period.start, period.end)
    last = months[-1]
    if last in whole or last < period.start:
        return whole
    _start, end = period.bounds()
    if Incident.objects.filter(created_at__gte=end, created_at__lt=_local_start(_next_month(last))).exists():
        return whole
    return [*whole, last]


def _counts(incidents: QuerySet, period: Period, directions: list, direction_id: int | None, now: datetime) -> dict:
    """Every count and (PostgreSQL) time of the period, in a constant number of queries.

    With the counts PostgreSQL keeps (statistics.kept), whole months are read from them and only the days of
    a month the period covers in part are counted here; else one pass counts the whole period. Either way a
    last pass over the period counts what depends on the time of day, with the times' percentiles."""
    counted = _count_aggregates() | _direction_aggregates(directions)
    at_this_time = _overdue_now(now) | (_duration_aggregates() if _native_percentiles() else {})
    months = period.months()
    kept_months = _kept_months(period, months) if connection.vendor == "postgresql" else []
    found = kept.counts(kept_months, direction_id) if kept_months else None
    if found is None:
        if len(months) <= MONTHS_IN_ONE_PASS:
            counted |= _month_aggregates(months)
        return incidents.aggregate(**counted, **at_this_time)
    counts = dict.fromkeys(counted, 0) | found
    partial = [month for month in months if month not in kept_months]
    if partial:
        # The days before and after the kept months, as index ranges (not "all but the kept months").
        after = _next_month(kept_months[-1])
        edges = []
        if partial[0] < kept_months[0]:
            edges.append(Q(created_at__lt=_local_start(kept_months[0])))
        if partial[-1] > kept_months[-1]:
            edges.append(Q(created_at__gte=_local_start(after)))
        rest = incidents.filter(reduce(operator.or_, edges))
        for name, value in rest.aggregate(**counted, **_month_aggregates(partial)).items():
            counts[name] = counts.get(name, 0) + (value or 0)
    return counts | incidents.aggregate(**at_this_time)


def incident_figures(period: Period, *, direction=None, now: datetime | None = None, directions=None) -> dict:
    """The statistics of the incidents declared during `period` (of `direction`, a Direction, if given).
    `directions`: every direction in order of code, when the caller has read them already."""
    now = now or timezone.now()
    start, end = period.bounds()
    incidents = Incident.objects.filter(created_at__gte=start, created_at__lt=end).order_by()
    direction_id = direction.pk if direction is not None else None
    if direction_id:
        incidents = incidents.filter(direction_id=direction_id)
    if direction is not None:
        directions = [direction]
    elif directions is None:
        directions = list(Direction.objects.order_by("code"))
    counts = _counts(incidents, period, directions, direction_id, now)
    times = _durations_of(counts) if _native_percentiles() else _durations_read(incidents)
    by_month = _by_month(incidents, period, counts)
    by_direction = _by_direction(directions, counts)
    # Takedowns and the register: one statement for both tables.
    takedowns, takedown_aggregates = _takedown_aggregates(period, direction_id)
    register, register_aggregates = _register_aggregates(period, direction_id)
    others = _aggregated_together((takedowns, takedown_aggregates), (register, register_aggregates))
    total = counts["total"]
    closed = total - counts["open"]
    overdue = counts["missed"] + counts["open_past_deadline"]
    return {
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat(), "token": period.token},
        "direction": None
        if direction is None
        else {"code": direction.code, "name_fr": direction.name_fr, "name_en": direction.name_en},
        "computed_at": now.isoformat(),
        "total": total,
        "urgent": counts["urgent"],
        "open": counts["open"],
        "closed": closed,
        "by_month": by_month,
        "by_category": [[code, counts[f"category_{code}"]] for code in Incident.Category.values],
        "by_platform": [[code, counts[f"platform_{code}"]] for code in Incident.Platform.values],
        "by_direction": by_direction,
        "by_level": [[code, counts[f"level_{code}"]] for code in LEVELS],
        "by_outcome": [[code, counts[f"outcome_{code}"]] for code in Incident.Outcome.values]
        + [[OPEN, counts["open"]]],
        "times": times,
        "overdue": {
            "count": overdue,
            "rate": _rate(overdue, total),
            "auto_escalated": counts["auto_escalated"],
            "auto_escalations": counts["auto_escalations"],
        },
        "takedowns": _takedowns(takedowns, others),
        "register": {name: others[name] for name in register_aggregates},
    }
