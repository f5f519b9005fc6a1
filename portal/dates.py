"""Calendar arithmetic shared by every app: one rule for "N years later".

The rule: the same day and month N years later (or earlier); 29 February falls on 28 February in a
year without it. So a period "of at most a year" starting on 29 February 2028 ends on 28 February
2029 at the latest, and a retention "kept until" date computed from 29 February 2024 plus five years
is 28 February 2029: a row is kept through that day and may only go the day after, when five full
years have passed.

`AddYears` is the same rule as a database expression, so a database constraint says exactly what
the services check.
"""

from __future__ import annotations

import calendar
from datetime import date

from django.db import models


def add_years(day: date, years: int) -> date:
    """`day` moved by `years` (negative: earlier); 29 February becomes 28 February when needed."""
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


class AddYears(models.Func):
    """`add_years(date_column, years)` in SQL, on PostgreSQL and SQLite alike."""

    output_field = models.DateField()
    arity = 1

    def __init__(self, expression, years: int, **extra):
        if not isinstance(years, int):
            raise TypeError("years must be an int")
        self.years = years
        super().__init__(expression, **extra)

    def as_postgresql(self, compiler, connection, **extra_context):
        # PostgreSQL's interval arithmetic already clamps 29 February to 28 February.
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql}) + make_interval(years => %s))::date", [*params, self.years]

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite rolls 29 February over to 1 March: step back to the end of February in that case.
        sql, params = compiler.compile(self.source_expressions[0])
        modifier = f"{self.years:+d} years"
        return (
            f"(CASE WHEN strftime('%%m-%%d', {sql}) = '02-29' AND strftime('%%m', date({sql}, %s)) = '03' "
            f"THEN date({sql}, %s, '-1 day') ELSE date({sql}, %s) END)",
            [*params, *params, modifier, *params, modifier, *params, modifier],
        )

    def as_sql(self, compiler, connection, **extra_context):  # pragma: no cover - other databases
        raise NotImplementedError(f"AddYears is not available on {connection.vendor}")
