"""Concurrency on PostgreSQL: references never collide; two beats never escalate the same incident twice."""

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import close_old_connections, connection

from incidents.models import Event, Incident
from incidents.services import incidents_escalate_overdue

from .factories import declare

pytestmark = pytest.mark.django_db(transaction=True)


def _require_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite serialises writers anyway)")


def _in_parallel(count: int, work) -> list:
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(work())
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return results


def test_parallel_declarations_get_distinct_references(org):
    _require_postgresql()
    users = [org.user(name) for name in ("alice", "oscar", "bob", "olga")]
    _in_parallel(4, lambda: [declare(users[i]).reference for i in range(4)])
    references = list(Incident.objects.values_list("reference", flat=True))
    assert len(references) == 16 and len(set(references)) == 16


def test_two_beats_escalate_each_incident_once(org):
    _require_postgresql()
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("America/Toronto")), tick=False):
        for _i in range(12):
            declare(org.user("alice"))
    later = datetime(2026, 3, 5, 10, tzinfo=ZoneInfo("America/Toronto"))
    results = _in_parallel(2, lambda: incidents_escalate_overdue(now=later))
    assert sum(r["escalated"] for r in results) == 12
    assert Event.objects.filter(kind=Event.Kind.ESCALATED_OVERDUE).count() == 12
    assert set(Incident.objects.values_list("level", flat=True)) == {Incident.Level.DIRECTION}
