"""A named lock held by one process while it runs a long job, released when the job ends or the process dies.

On PostgreSQL, a session advisory lock: it lives as long as the connection, so a worker killed in the
middle of a job frees it at once and a resumer can tell "running" from "abandoned". Elsewhere (the
embedded SQLite default, one machine) there is nothing to share and the lock is always granted.
"""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import Iterator

from django.db import DatabaseError, connection


def _key(name: str) -> int:
    return zlib.crc32(name.encode()) - 2**31  # PostgreSQL's advisory lock keys are signed


@contextlib.contextmanager
def running_alone(name: str, key: int) -> Iterator[bool]:
    """`with running_alone("campaign-launch", pk) as mine:` — `mine` is False while another process holds it."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_key(name), int(key)])
        mine = bool(cursor.fetchone()[0])
    try:
        yield mine
    finally:
        if mine:
            with contextlib.suppress(DatabaseError):  # a lost connection released it already
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_key(name), int(key)])
