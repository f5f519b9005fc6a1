"""How delivery narrows the duplicate window (portal.notifications.delivery): a stable Message-ID, "mark
sent" retried on a fresh connection, the last error cleared, a batch handed back at once, claims of dead
workers released, rows waiting in the queue left alone."""

import datetime
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.db import OperationalError, connection
from django.utils import timezone

from portal.notifications import delivery, tasks
from portal.notifications.delivery import TransientDeliveryError, deliver, mark_sent, release_dead_claims, sweepable
from portal.notifications.models import Notification

from .backends import FlakyBackend
from .factories import NotificationFactory

pytestmark = pytest.mark.django_db
Status = Notification.EmailStatus


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FlakyBackend"
    FlakyBackend.failures_left = 1
    FlakyBackend.error = smtplib.SMTPServerDisconnected("451 try later")
    yield FlakyBackend
    FlakyBackend.failures_left = 0


def test_every_attempt_carries_the_same_message_id_and_success_clears_the_error(org, flaky):
    row = NotificationFactory(recipient=org.user("alice"))
    with pytest.raises(TransientDeliveryError):
        deliver(row.pk)
    row.refresh_from_db()
    assert "451" in row.last_error
    assert deliver(row.pk) == "sent"
    row.refresh_from_db()
    assert row.last_error == "" and row.attempts == 2
    assert mail.outbox[0].extra_headers["Message-ID"] == row.message_id
    assert row.message_id.startswith(f"<notification.{row.pk}.") and row.message_id.endswith("@chum.local>")
    assert mail.outbox[0].message()["Message-ID"] == row.message_id


@pytest.mark.django_db(transaction=True)
def test_mark_sent_is_retried_on_a_fresh_connection(org):
    row = NotificationFactory(recipient=org.user("alice"))
    now = timezone.now()
    assert delivery.claim(row.pk, now)
    real = delivery._ours
    failures = iter([OperationalError("server closed the connection unexpectedly")])

    def flaky_ours(ids, claimed_at):
        failure = next(failures, None)
        if failure is not None:
            broken = mock.Mock()
            broken.update.side_effect = failure
            return broken
        return real(ids, claimed_at)

    with mock.patch.object(delivery, "_ours", flaky_ours), mock.patch.object(connection, "close") as close:
        assert mark_sent([row.pk], now) is True
    assert close.called  # the broken connection was replaced
    row.refresh_from_db()
    assert row.email_status == Status.SENT and row.claimed_at is None


@pytest.mark.django_db(transaction=True)
def test_mark_sent_gives_up_after_its_budget(org):
    row = NotificationFactory(recipient=org.user("alice"))
    now = timezone.now()
    delivery.claim(row.pk, now)
    broken = mock.Mock()
    broken.update.side_effect = OperationalError("the database is down")
    with mock.patch.object(delivery, "_ours", return_value=broken), pytest.raises(OperationalError):
        mark_sent([row.pk], now, budget=0.3)
    row.refresh_from_db()
    assert row.email_status == Status.SENDING  # released later: the documented window


def test_a_batch_hit_by_a_lost_database_hands_the_rest_back_at_once(org):
    rows = [NotificationFactory(recipient=org.user(name)) for name in ("alice", "bob", "carol")]
    ids = [row.pk for row in rows]
    outcomes = iter(["sent", OperationalError("connection lost")])

    def deliver_one(self, notification_id):
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    with (
        mock.patch.object(delivery.SharedConnection, "deliver", deliver_one),
        mock.patch.object(tasks.deliver_notifications, "apply_async") as hand_back,
    ):
        counts = tasks.deliver_notifications.run(ids)
    assert counts == {"sent": 1, "handed-back": 2}
    (args,), options = hand_back.call_args
    assert args == (ids[1:], 1) and options["countdown"] <= tasks.HAND_BACK_COUNTDOWN_MAX


def test_an_unreachable_smtp_server_makes_the_batch_wait_as_one_task(org, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_PORT = 1  # nothing listens there
    ids = [NotificationFactory(recipient=org.user(name)).pk for name in ("alice", "bob")]
    with mock.patch.object(tasks.deliver_notifications, "apply_async") as hand_back:
        counts = tasks.deliver_notifications.run(ids)
    assert counts == {"waiting": 2}
    assert hand_back.call_args.args[0] == (ids, 1)
    assert set(Notification.objects.filter(pk__in=ids).values_list("email_status", flat=True)) == {Status.PENDING}


def test_rows_waiting_in_the_queue_are_not_handed_over_twice(org, settings):
    old = timezone.now() - datetime.timedelta(seconds=settings.NOTIFICATIONS_SWEEP_AFTER + 5)
    row = NotificationFactory(recipient=org.user("alice"))
    Notification.objects.filter(pk=row.pk).update(created_at=old)
    assert sweepable(backlog=3) == []  # the queue holds messages: this row is most likely among them
    assert sweepable(backlog=0) == [row.pk]  # the queue is empty: it was lost (or never handed over)
    lost_long_ago = NotificationFactory(recipient=org.user("bob"))
    Notification.objects.filter(pk=lost_long_ago.pk).update(
        created_at=timezone.now() - datetime.timedelta(seconds=settings.NOTIFICATIONS_REQUEUE_AFTER + 5)
    )
    assert sweepable(backlog=None) == [lost_long_ago.pk]


def test_a_dead_workers_claim_is_released_at_once_a_live_one_is_not(org, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the claim's connection is known on PostgreSQL only (elsewhere: the claim timeout)")
    old = timezone.now() - datetime.timedelta(seconds=settings.NOTIFICATIONS_DEAD_CLAIM_GRACE + 5)
    dead = NotificationFactory(recipient=org.user("alice"), email_status=Status.SENDING, claimed_at=old)
    alive = NotificationFactory(recipient=org.user("bob"), email_status=Status.SENDING, claimed_at=old)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid, backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()")
        mine, started = cursor.fetchone()
    Notification.objects.filter(pk=dead.pk).update(claim_backend=4_000_000)  # no such server process
    # Claimed by this very connection (after it started): alive, whatever the claim's age.
    Notification.objects.filter(pk=alive.pk).update(
        claim_backend=mine, claimed_at=max(old, started + datetime.timedelta(microseconds=1))
    )
    assert release_dead_claims() == [dead.pk]
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert (dead.email_status, dead.claimed_at) == (Status.PENDING, None)
    assert alive.email_status == Status.SENDING
