"""The worker's database connections terminated again and again in the middle of deliveries
(pg_terminate_backend, as a failover or a network cut does): every email arrives, and an email sent
twice is possible only in the documented window (the SMTP server accepted, "mark sent" could not be
written), then with the same Message-ID."""

import time

import pytest
from django.db import connection, transaction

from portal.notifications.models import Notification
from portal.notifications.services import notify_many

from .helpers import KIND, all_sent, make_people, report, settle, statuses
from .processes import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _terminate(application_name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = %s",
            [application_name],
        )
        return cursor.fetchone()[0]


def test_worker_connections_dropped_mid_delivery(rig, inbox):
    people = make_people(100)
    inbox.delay = 0.03
    rig.worker(concurrency=2)
    rig.beat()
    with transaction.atomic():
        rows = notify_many(kind=KIND, recipients=people)
    ids = [row.pk for row in rows]
    assert wait_until(lambda: len(inbox.messages) >= 5, 30)

    terminated = 0
    started = time.monotonic()
    while time.monotonic() - started < 4 and not all_sent(ids):
        terminated += _terminate(rig.application_name)
        time.sleep(0.25)
    last_drop = time.monotonic()
    assert terminated > 0, "no worker connection was caught"

    assert wait_until(lambda: all_sent(ids), 45), statuses(ids)
    recovery = time.monotonic() - last_drop
    settle(inbox)
    rows = Notification.objects.filter(pk__in=ids).select_related("recipient")
    expected = {row.message_id: row.recipient.email for row in rows}
    received = inbox.message_ids()
    assert set(expected) <= set(received), "a notification was lost"
    assert set(received) <= set(expected)
    duplicates = sum(count - 1 for count in received.values())
    # A second copy only in the window of the delivery module, and always recognisable: same Message-ID.
    assert duplicates <= terminated
    assert all(message["To"] == expected[message["Message-ID"]] for message in inbox.messages)
    report("worker database connections terminated mid-delivery", rows=len(ids), connections_terminated=terminated,
           duplicates_same_message_id=duplicates, all_sent_after_last_drop_s=round(recovery, 1))
