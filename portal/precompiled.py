"""A query the ORM compiles once per database connection, then runs with a new key on each request.

For the query every signed-in request runs (portal/roles.py): turning its queryset into SQL (joins, four
subqueries) costs about ten times what PostgreSQL takes to answer it. The SQL, its converters and the
column names come from the ORM itself, so both databases keep their own dialect, and nothing about the
data is kept: only the text of the query, on the connection object (one per thread).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

# Stands for the key while the ORM compiles the query; replaced by the real key in the parameters.
_PLACEHOLDER = -820_190_611


class PrecompiledValues:
    """`build(key)` returns a `values_list` queryset whose only varying parameter is `key` (an integer).

    `first(key)` returns the first row as a dict of the queryset's names, converted as the ORM would, or None.
    """

    def __init__(self, name: str, build: Callable[[int], QuerySet], using: str = DEFAULT_DB_ALIAS):
        self.name = name
        self.build = build
        self.using = using

    def _compiled(self, connection):
        cache = connection.__dict__.setdefault("_portal_precompiled", {})
        if self.name not in cache:
            queryset = self.build(_PLACEHOLDER)
            query = queryset.query
            compiler = query.get_compiler(connection=connection)
            sql, params = compiler.as_sql()
            keys = [index for index, value in enumerate(params) if value == _PLACEHOLDER]
            if not keys:
                raise ValueError(f"{self.name}: the key is not a parameter of the query")
            columns = [column for column, _sql, _alias in compiler.select[: compiler.col_count]]
            converters = compiler.get_converters(columns)
            names = [*query.extra_select, *query.values_select, *query.annotation_select]
            cache[self.name] = (sql, tuple(params), keys, compiler, converters, names)
        return cache[self.name]

    def first(self, key: int) -> dict | None:
        connection = connections[self.using]
        sql, params, keys, compiler, converters, names = self._compiled(connection)
        params = list(params)
        for index in keys:
            params[index] = key
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        if converters:
            row = next(iter(compiler.apply_converters([row], converters)))
        return dict(zip(names, row, strict=True))
