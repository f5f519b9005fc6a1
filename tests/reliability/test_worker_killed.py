"""A Celery worker killed with SIGKILL in the middle of a batch (the whole worker, as a machine loses it):
nothing lost, nothing sent twice, and the rows it held are sent within seconds of another worker starting
(the dead claim is released as soon as its database connection is gone, not after a claim timeout)."""

import time

import pytest
from django.db import transaction

from portal.notifications.models import Notification
from portal.notifications.services import notify_many

from .helpers import KIND, Status, all_sent, assert_each_once, make_people, report, settle, statuses
from .processes import kill_group, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_worker_killed_mid_batch_loses_and_duplicates_nothing(rig, inbox):
    people = make_people(80)
    inbox.delay = 0.02
    # The 20th send stalls: the worker is killed during it, before the server accepted anything.
    inbox.stall_rcpt_number, inbox.stall_seconds = 20, 5.0
    first = rig.worker(concurrency=1)
    rig.beat()
    with transaction.atomic():
        rows = notify_many(kind=KIND, recipients=people)  # two batches handed over after commit
    ids = [row.pk for row in rows]
    assert inbox.stalling.wait(30), "the worker never reached the 20th send"
    assert Notification.objects.filter(pk__in=ids, email_status=Status.SENDING).count() == 1
    kill_group(first)
    killed_at = time.monotonic()
    sent_before = len(inbox.messages)

    rig.worker(concurrency=2)
    assert wait_until(lambda: all_sent(ids), 45), statuses(ids)
    recovery = time.monotonic() - killed_at
    settle(inbox)
    assert_each_once(inbox, list(Notification.objects.filter(pk__in=ids).select_related("recipient")))
    assert len(inbox.messages) == len(ids)
    report("worker SIGKILL mid-batch", rows=len(ids), sent_before_kill=sent_before,
           all_sent_after_kill_s=round(recovery, 1))
