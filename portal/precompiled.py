"""A query the ORM compiles once per database connection, then runs with a new key on each request.

For the query every signed-in request runs (portal/roles.py): turning its queryset into SQL (joins, four
subqueries) costs about ten times what PostgreSQL takes to answer it. The SQL, its converters and the
column names come from the ORM itself, so both databases keep their own dialect, and nothing about the
data is kept: only the text of the query, on the connection object (one per thread).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

# Stand for the key and the day while the ORM compiles the query; replaced by the real ones in the parameters.
_PLACEHOLDER = -820_190_611
_DAY_PLACEHOLDER = datetime.date(1901, 2, 3)


class PrecompiledValues:
    """`build(key, day)` returns a `values_list` queryset whose only varying parameters are `key` (an integer)
    and `day` (a date; a query may leave it out).

    `first(key, day)` returns the first row as a dict of the queryset's names, converted as the ORM would, or
    None.
    """

    def __init__(self, name: str, build: Callable[[int, datetime.date], QuerySet], using: str = DEFAULT_DB_ALIAS):
        self.name = name
        self.build = build
        self.using = using

    def _compiled(self, connection):
        cache = connection.__dict__.setdefault("_portal_precompiled", {})
        if self.name not in cache:
            queryset = self.build(_PLACEHOLDER, _DAY_PLACEHOLDER)
            query = queryset.query
            compiler = query.get_compiler(connection=connection)
            sql, params = compiler.as_sql()
            keys = [index for index, value in enumerate(params) if value == _PLACEHOLDER]
            if not keys:
                raise ValueError(f"{self.name}: the key is not a parameter of the query")
            # A date parameter as the database adapter received it: a date, or its ISO text on SQLite.
            days = {
                index: type(value)
                for index, value in enumerate(params)
                if value in (_DAY_PLACEHOLDER, _DAY_PLACEHOLDER.isoformat())
            }
            columns = [column for column, _sql, _alias in compiler.select[: compiler.col_count]]
            converters = compiler.get_converters(columns)
            names = [*query.extra_select, *query.values_select, *query.annotation_select]
            cache[self.name] = (sql, tuple(params), keys, days, compiler, converters, names)
        return cache[self.name]

    def first(self, key: int, day: datetime.date | None = None) -> dict | None:
        connection = connections[self.using]
        sql, params, keys, days, compiler, converters, names = self._compiled(connection)
        params = list(params)
        for index in keys:
            params[index] = key
        for index, kind in days.items():
            if day is None:
                raise ValueError(f"{self.name}: the query needs a day")
            params[index] = day.isoformat() if kind is str else day
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        if converters:
            row = next(iter(compiler.apply_converters([row], converters)))
        return dict(zip(names, row, strict=True))
