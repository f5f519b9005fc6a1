"""The period a statistics page or a board report covers: a quarter, a year, the last twelve months, or two
dates. A period is named by a short token that fits in a URL ("2025-T1", "2025", "12m",
"2025-01-01_2025-03-31"), so a page can be bookmarked and a report says which period it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

LAST_12_MONTHS = "12m"
EARLIEST_YEAR = 2000
_QUARTER = re.compile(r"^(\d{4})-T([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2})$")


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # included
    token: str

    @property
    def label(self) -> str:
        quarter = _QUARTER.match(self.token)
        if quarter:
            return _("T%(quarter)s %(year)s (%(start)s au %(end)s)") % {
                "quarter": quarter.group(2),
                "year": quarter.group(1),
                "start": date_format(self.start, "j M"),
                "end": date_format(self.end, "j M Y"),
            }
        if _YEAR.match(self.token):
            return _("Année %(year)s") % {"year": self.token}
        if self.token == LAST_12_MONTHS:
            return _("12 derniers mois (%(start)s au %(end)s)") % {
                "start": date_format(self.start, "j M Y"),
                "end": date_format(self.end, "j M Y"),
            }
        return _("Du %(start)s au %(end)s") % {
            "start": date_format(self.start, "j M Y"),
            "end": date_format(self.end, "j M Y"),
        }

    def bounds(self) -> tuple[datetime, datetime]:
        """From the first instant of the first day to the first instant after the last (local time)."""
        return (
            timezone.make_aware(datetime.combine(self.start, time.min)),
            timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min)),
        )

    def months(self) -> list[date]:
        """The first day of every month the period touches, in order."""
        months = []
        month = self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        return months

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def quarter(year: int, number: int) -> Period:
    start = date(year, 3 * (number - 1) + 1, 1)
    end = (date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)) - timedelta(days=1)
    return Period(start, end, f"{year}-T{number}")


def year(value: int) -> Period:
    return Period(date(value, 1, 1), date(value, 12, 31), str(value))


def last_12_months(today: date) -> Period:
    """The current month (up to today) and the eleven before it."""
    months = today.year * 12 + today.month - 1 - 11
    return Period(date(months // 12, months % 12 + 1, 1), today, LAST_12_MONTHS)


def custom(start: date, end: date) -> Period:
    return Period(start, end, f"{start.isoformat()}_{end.isoformat()}")


def parse(token: str, today: date) -> Period | None:
    """The period a token names, or None when it names none (a forged or mistyped value)."""
    token = (token or "").strip()
    if token == LAST_12_MONTHS:
        return last_12_months(today)
    match = _QUARTER.match(token)
    if match and EARLIEST_YEAR <= int(match.group(1)) <= today.year:
        return quarter(int(match.group(1)), int(match.group(2)))
    match = _YEAR.match(token)
    if match and EARLIEST_YEAR <= int(token) <= today.year:
        return year(int(token))
    match = _RANGE.match(token)
    if match:
        try:
            start, end = date.fromisoformat(match.group(1)), date.fromisoformat(match.group(2))
        except ValueError:
            return None
        if date(EARLIEST_YEAR, 1, 1) <= start <= end <= today:
            return custom(start, end)
    return None


def choices(today: date, years: int = 3) -> list[tuple[str, str]]:
    """The periods offered in a menu: the last twelve months, then each year and its quarters, newest
    first, from the current year back `years` years (quarters that have not begun are left out)."""
    offered = [(LAST_12_MONTHS, last_12_months(today).label)]
    for value in range(today.year, today.year - years, -1):
        offered.append((str(value), year(value).label))
        for number in range(4, 0, -1):
            period = quarter(value, number)
            if period.start <= today:
                offered.append((period.token, period.label))
    return offered
