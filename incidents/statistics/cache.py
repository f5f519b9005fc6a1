"""The statistics page's figures, kept a few minutes (setting STATISTICS_CACHE_SECONDS, default 300; 0 never).

Counted afresh, a year of every direction at the institution's scale takes most of a page's time (README,
"Performance": about 85 ms with the counts PostgreSQL keeps, statistics.kept). The figures are kept under a
key that names the database, the period, the direction and the state of the data: the newest event of any
incident and of the register, the newest incident and takedown. Every action
on an incident or the register writes an event row (docs/architecture.md), so the page after any action
counts afresh; what changes with time alone (a deadline passing) shows within the delay. A board report
leaves its figures under the same key: the page then shows exactly the report's figures (§7.1).

`warm` (beat job "incidents-warm-statistics", with a cache shared by every process) counts the page's default
view ahead of the people who open it, once the data changed: the page usually finds its figures kept.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from ..models import Event, Incident, RegisterEvent, Takedown
from .figures import incident_figures
from .period import Period, last_12_months

logger = logging.getLogger(__name__)
_WATCHED = (Event, RegisterEvent, Incident, Takedown)


def _seconds() -> int:
    return int(getattr(settings, "STATISTICS_CACHE_SECONDS", 300))


def data_state() -> str:
    """The newest id of each watched table, in one query (each read from its primary key's index)."""
    columns = ", ".join(f"(SELECT MAX(id) FROM {model._meta.db_table})" for model in _WATCHED)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}")
        return "-".join(str(value or 0) for value in cursor.fetchone())


def _key(period: Period, direction_id: int | None, state: str) -> str:
    database = connection.settings_dict["NAME"]
    return f"incidents-statistics:{database}:{period.token}:{period.start}:{period.end}:{direction_id or 0}:{state}"


def page_figures(period: Period, *, direction=None, directions=None) -> dict:
    """`incident_figures` of the period, as counted at most STATISTICS_CACHE_SECONDS ago with no action since."""
    seconds = _seconds()
    if seconds <= 0:
        return incident_figures(period, direction=direction, directions=directions)
    key = _key(period, direction.pk if direction is not None else None, data_state())
    try:
        figures = cache.get(key)
    except Exception:  # noqa: BLE001 - the cache only saves time: without it, the figures are counted
        logger.warning("statistics cache unavailable", exc_info=True)
        return incident_figures(period, direction=direction, directions=directions)
    if figures is None:
        figures = incident_figures(period, direction=direction, directions=directions)
        remember(period, figures, direction=direction)
    return figures


def remember(period: Period, figures: dict, *, direction=None) -> None:
    """Keep figures just counted (by the page, or by a board report) for the pages that follow."""
    seconds = _seconds()
    if seconds <= 0:
        return
    key = _key(period, direction.pk if direction is not None else None, data_state())
    try:
        cache.set(key, figures, seconds)
    except Exception:  # noqa: BLE001 - as above
        logger.warning("statistics cache unavailable", exc_info=True)


def warm(today=None) -> bool:
    """Count the page's default view (the last twelve months, every direction) unless its figures for the
    current state of the data are kept already. True when it counted."""
    if _seconds() <= 0:
        return False
    period = last_12_months(today or timezone.localdate())
    try:
        if cache.get(_key(period, None, data_state())) is not None:
            return False
    except Exception:  # noqa: BLE001 - without the cache there is nothing to warm
        logger.warning("statistics cache unavailable", exc_info=True)
        return False
    remember(period, incident_figures(period))
    return True
