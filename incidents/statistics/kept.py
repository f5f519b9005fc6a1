"""Incident counts kept per month and direction by PostgreSQL (models.statistics, migration 0009).

The statistics page counts a period's incidents by category, platform, level reached, outcome, direction and
month. Counted afresh, a year at the institution's scale is a pass over some 50,000 incidents with eighty
filtered counts; kept, it is a sum over a few thousand rows. Only months whose kept counts are exactly the
period's are read here (figures._kept_months: those it covers whole, and its last month when nothing was
declared after the period in it); the other days are counted afresh, so the figures are exact for any
period (incidents.statistics.figures).

What is kept does not depend on the time of day: "open past its deadline" does, and is counted afresh with
the times (figures._overdue_now). The counts follow every write to the incidents table through triggers;
each statement appends its net change (StatisticsChange) and `fold` (beat, every minute) adds the changes
to the counts in one statement, so a reader sees the changes whether folded or not.

Months are those of the portal's time zone as written into the database at migration time; the counts are
read with that zone, and when TIME_ZONE differs (the setting changed) the page counts afresh and logs a
warning until `manage.py rebuild_statistics` counts everything again in the new zone.
"""

from __future__ import annotations

import importlib
import logging
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction

from ..models import Incident, StatisticsChange, StatisticsCount

logger = logging.getLogger(__name__)
# The migration holds the SQL that fills the counts and names the zone; rebuilding runs the same statements.
_MIGRATION = "incidents.migrations.0009_statistics_count_triggers"
# Two folds at once would add the same changes in different orders: they take turns on this lock.
_FOLD_LOCK = 7_104_974


def whole_months(start: date, end: date) -> list[date]:
    """The first day of each month lying entirely between start and end (both included)."""
    months = []
    month = start if start.day == 1 else (start.replace(day=1) + timedelta(days=32)).replace(day=1)
    while True:
        after = (month + timedelta(days=32)).replace(day=1)
        if after - timedelta(days=1) > end:
            return months
        months.append(month)
        month = after


_COUNTS = f"""
SELECT key, direction_id, month, SUM(n)
  FROM (
    SELECT key, direction_id, month, n FROM {StatisticsCount._meta.db_table} WHERE month BETWEEN %s AND %s
    UNION ALL
    SELECT key, direction_id, month, n FROM {StatisticsChange._meta.db_table} WHERE month BETWEEN %s AND %s
  ) AS kept
 WHERE %s::integer IS NULL OR direction_id = %s::integer
 GROUP BY GROUPING SETS ((key), (key, direction_id), (key, month))
HAVING GROUPING(direction_id, month) = 3 OR key = 'total'
 UNION ALL
SELECT 'zone:' || incidents_statistics_zone(), NULL, NULL, 0
"""


def counts(months: list[date], direction_id: int | None) -> dict[str, int] | None:
    """The kept counts of incidents declared in `months` (consecutive; of one direction if given), under the
    names of figures._count_aggregates, with "direction_<id>", "direction_none" and "month_<YYYY-MM>".
    None when they are kept in another time zone than the portal's (count afresh)."""
    first, last = months[0], months[-1]
    with connection.cursor() as cursor:
        cursor.execute(_COUNTS, [first, last, first, last, direction_id, direction_id])
        rows = cursor.fetchall()
    found: dict[str, int] = {f"month_{month:%Y-%m}": 0 for month in months}
    zone = None
    for key, direction, month, n in rows:
        if key.startswith("zone:"):
            zone = key.removeprefix("zone:")
        elif direction is not None:
            found["direction_none" if direction == 0 else f"direction_{direction}"] = n
        elif month is not None:
            found[f"month_{month:%Y-%m}"] = n
        else:
            found[key] = n
    if zone != settings.TIME_ZONE:
        logger.warning(
            "statistics counts are kept in %s, the portal runs in %s: counted afresh until "
            "`manage.py rebuild_statistics`",
            zone,
            settings.TIME_ZONE,
        )
        return None
    return found


_FOLD = f"""
WITH moved AS (DELETE FROM {StatisticsChange._meta.db_table} RETURNING month, direction_id, key, n)
INSERT INTO {StatisticsCount._meta.db_table} (month, direction_id, key, n)
SELECT month, direction_id, key, SUM(n) FROM moved GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (month, direction_id, key) DO UPDATE SET n = {StatisticsCount._meta.db_table}.n + EXCLUDED.n
"""


def fold() -> int:
    """Add the pending changes to the counts (beat job); the number of counts touched."""
    if connection.vendor != "postgresql":
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_FOLD_LOCK])
        cursor.execute(_FOLD)
        return cursor.rowcount


def rebuild() -> int:
    """Count every incident again in the portal's current time zone (`manage.py rebuild_statistics`).
    Writers of incidents wait for it; readers keep reading the old counts until it commits."""
    if connection.vendor != "postgresql":
        return 0
    migration = importlib.import_module(_MIGRATION)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {Incident._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(migration.zone_function(settings.TIME_ZONE))
        cursor.execute(f"TRUNCATE {StatisticsCount._meta.db_table}, {StatisticsChange._meta.db_table}")
        cursor.execute(migration.FILL)
        return cursor.rowcount
