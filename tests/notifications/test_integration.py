"""Delivery through the real services: PostgreSQL shared with a real Celery worker, Redis, and an SMTP
server on loopback (aiosmtpd). Skipped on the embedded SQLite default."""

import datetime
import os
import signal
import time
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from portal.notifications.models import Notification
from portal.notifications.services import notify, notify_many
from portal.notifications.tasks import deliver_notification, sweep_unsent

from .conftest import broker_unreachable, text_and_html
from .factories import NotificationFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

Status = Notification.EmailStatus
KIND = "notifications.notice"  # registered by the app, so the worker process knows it too


def wait_until(condition, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def settle(inbox, seconds: float = 1.5) -> int:
    """Give a duplicate send the time to arrive, then count."""
    time.sleep(seconds)
    return len(inbox.messages)


def test_rolled_back_action_sends_nothing(celery_worker, smtp_server, org):
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(kind=KIND, recipient=org.user("alice"), target=org.care)
        raise RuntimeError("the action failed")
    assert not Notification.objects.exists()
    sweep_unsent.apply_async()
    assert settle(smtp_server, 3) == 0


def test_committed_notification_is_delivered_once(celery_worker, smtp_server, org):
    with transaction.atomic():
        row = notify(kind=KIND, recipient=org.user("alice"), target=org.care, link="/politiques/")
    assert wait_until(lambda: Notification.objects.get(pk=row.pk).email_status == Status.SENT)
    assert settle(smtp_server) == 1
    message = smtp_server.messages[0]
    assert message["To"] == "alice@chum.test"
    text, html = text_and_html(message)
    assert "/politiques/" in text and "/politiques/" in html


def test_task_run_twice_concurrently_sends_once(celery_worker, smtp_server, org):
    smtp_server.delay = 1.0  # the first send is still in progress when the second task starts
    row = NotificationFactory(recipient=org.user("alice"), kind=KIND)
    deliver_notification.delay(row.pk)
    deliver_notification.delay(row.pk)
    assert wait_until(lambda: Notification.objects.get(pk=row.pk).email_status == Status.SENT)
    assert settle(smtp_server, 2) == 1
    row.refresh_from_db()
    assert row.attempts == 1


def test_redis_unreachable_at_commit_then_the_sweep_delivers_once(celery_worker, smtp_server, org):
    with broker_unreachable():
        started = time.monotonic()
        with transaction.atomic():  # the user's action
            row = notify(kind=KIND, recipient=org.user("alice"), target=org.care)
        elapsed = time.monotonic() - started
    assert elapsed < 3, f"the action waited {elapsed:.1f}s for the broker"
    row.refresh_from_db()
    assert row.email_status == Status.PENDING  # written, waiting for the sweep
    assert settle(smtp_server, 1) == 0

    # Redis is back: the beat's sweep hands the row over (the worker runs with NOTIFICATIONS_SWEEP_AFTER=0).
    Notification.objects.filter(pk=row.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    sweep_unsent.apply_async()
    assert wait_until(lambda: Notification.objects.get(pk=row.pk).email_status == Status.SENT)
    sweep_unsent.apply_async()
    deliver_notification.delay(row.pk)  # a late duplicate message changes nothing either
    assert settle(smtp_server, 2) == 1
    row.refresh_from_db()
    assert row.attempts == 1


def test_smtp_refusing_then_accepting_delivers_after_retries(celery_worker, smtp_server, org):
    smtp_server.refuse_next = 2
    with transaction.atomic():
        row = notify(kind=KIND, recipient=org.user("alice"), target=org.care)
    assert wait_until(lambda: Notification.objects.get(pk=row.pk).email_status == Status.SENT)
    assert settle(smtp_server) == 1
    assert smtp_server.refused == 2
    row.refresh_from_db()
    assert row.attempts == 3
    assert row.last_error == ""  # sent: the refusals of the earlier attempts are no longer an error
    assert row.sent_at is not None and row.claimed_at is None


def test_a_batch_is_delivered_once_each(celery_worker, smtp_server, org):
    people = [getattr(org, name).user for name in ("alice", "bob", "carol", "harry", "diane", "dora", "olga")]
    with transaction.atomic():
        notify_many(kind=KIND, recipients=people, target=org.care)
    assert wait_until(lambda: Notification.objects.filter(email_status=Status.SENT).count() == len(people))
    assert settle(smtp_server) == len(people)
    assert sorted(m["To"] for m in smtp_server.messages) == sorted(p.email for p in people)


def _kill_pool_processes(worker) -> None:
    children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
    for pid in children:
        os.kill(int(pid), signal.SIGKILL)


def test_worker_killed_mid_send_then_one_email(celery_worker, smtp_server, org):
    """The pool process dies during the SMTP conversation: the message is redelivered (acks_late) but finds
    the row claimed, and once the claim is stale (4 s here) the sweep sends it, once."""
    smtp_server.stall_next_rcpt = 3.0
    with transaction.atomic():
        row = notify(kind=KIND, recipient=org.user("alice"), target=org.care)
    assert wait_until(lambda: Notification.objects.get(pk=row.pk).email_status == Status.SENDING)
    time.sleep(0.5)
    _kill_pool_processes(celery_worker)
    assert settle(smtp_server, 2) == 0
    row.refresh_from_db()
    assert row.email_status == Status.SENDING  # a redelivered task leaves the fresh claim alone
    time.sleep(2.5)
    sweep_unsent.apply_async()
    assert wait_until(lambda: Notification.objects.get(pk=row.pk).email_status == Status.SENT)
    sweep_unsent.apply_async()
    assert settle(smtp_server, 2) == 1
    row.refresh_from_db()
    assert row.attempts == 2
