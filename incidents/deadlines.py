"""Working-day deadlines per level (settings.INCIDENT_DEADLINE_WORKING_DAYS, read at call time).

A working day is Monday to Friday, except Quebec public holidays.
"""

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
from django.conf import settings
from django.utils import timezone


@lru_cache(maxsize=16)
def _quebec_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("CA", subdiv="QC", years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _quebec_holidays(day.year)


def add_working_days(start: datetime, days: int) -> datetime:
    """The same local time of day, `days` working days after `start` (a Saturday counts from Monday)."""
    local = timezone.localtime(start)
    day = local.date()
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return timezone.make_aware(datetime.combine(day, local.timetz().replace(tzinfo=None)))


def deadline_for(level: str, start: datetime | None = None) -> datetime:
    days = int(settings.INCIDENT_DEADLINE_WORKING_DAYS[level])
    return add_working_days(start or timezone.now(), days)
