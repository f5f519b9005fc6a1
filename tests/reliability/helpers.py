"""Shared steps of the fault tests: people to notify, waiting for delivery, what the inbox must hold."""

from __future__ import annotations

import time

from portal.models import Direction
from portal.notifications.models import Notification
from tests.factories import DirectionFactory, make_staff

Status = Notification.EmailStatus
KIND = "notifications.notice"  # registered by the app, so the worker knows it


def make_people(count: int, direction: Direction | None = None, prefix: str = "p") -> list:
    direction = direction or DirectionFactory(code=f"R{prefix.upper()}", name_fr="Direction de l'essai")
    return [make_staff(f"{prefix}{index:04d}", direction).user for index in range(count)]


def all_sent(ids: list[int]) -> bool:
    return Notification.objects.filter(pk__in=ids, email_status=Status.SENT).count() == len(ids)


def statuses(ids: list[int]) -> dict[str, int]:
    rows = Notification.objects.filter(pk__in=ids).values_list("email_status", flat=True)
    counts: dict[str, int] = {}
    for status in rows:
        counts[status] = counts.get(status, 0) + 1
    return counts


def settle(inbox, seconds: float = 2.0) -> None:
    """Give a late duplicate the time to arrive."""
    time.sleep(seconds)


def assert_each_once(inbox, rows: list[Notification]) -> None:
    """0 lost, 0 duplicated: one message per row, with the row's Message-ID, to the row's person."""
    expected = {row.message_id: row.recipient.email for row in rows}
    received = inbox.message_ids()
    duplicated = {mid: n for mid, n in received.items() if n > 1}
    missing = set(expected) - set(received)
    assert not missing, f"{len(missing)} notifications lost"
    assert not duplicated, f"duplicated: {duplicated}"
    by_id = {message["Message-ID"]: message["To"] for message in inbox.messages}
    assert all(by_id[mid] == address for mid, address in expected.items())


def report(name: str, **figures) -> None:
    """Measured figures, printed (pytest -s) and kept for the closing note."""
    line = f"[reliability] {name}: " + ", ".join(f"{key}={value}" for key, value in figures.items())
    print(line)
