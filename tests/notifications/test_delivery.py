"""Delivery in-process: the claim, retries and failure, the sweep, the daily digest."""

import datetime
import smtplib
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from portal.notifications import delivery
from portal.notifications.delivery import TransientDeliveryError, deliver, deliver_digest, digest_cutoff
from portal.notifications.models import Notification
from portal.notifications.tasks import send_daily_digests, sweep_unsent

from .backends import FlakyBackend
from .conftest import text_and_html
from .factories import NotificationFactory

pytestmark = pytest.mark.django_db

Status = Notification.EmailStatus


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FlakyBackend"
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    settings.NOTIFICATIONS_RETRY_BACKOFF = 10
    FlakyBackend.failures_left = 0
    FlakyBackend.error = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    yield FlakyBackend
    FlakyBackend.failures_left = 0


def test_second_run_sends_nothing(org):
    row = NotificationFactory(recipient=org.user("alice"))
    assert deliver(row.pk) == "sent"
    assert deliver(row.pk) == "skipped"
    row.refresh_from_db()
    assert (row.email_status, row.attempts, len(mail.outbox)) == (Status.SENT, 1, 1)
    assert row.sent_at and row.claimed_at is None


def test_claim_is_won_by_one_caller_only(org):
    row = NotificationFactory(recipient=org.user("alice"))
    now = timezone.now()
    assert delivery.claim(row.pk, now) is True
    assert delivery.claim(row.pk, now) is False


def test_fresh_claim_is_left_alone_but_a_stale_one_is_taken_over(org, settings):
    row = NotificationFactory(
        recipient=org.user("alice"), email_status=Status.SENDING, claimed_at=timezone.now()
    )
    assert deliver(row.pk) == "skipped"  # redelivery while another worker holds it
    Notification.objects.filter(pk=row.pk).update(
        claimed_at=timezone.now() - datetime.timedelta(seconds=settings.NOTIFICATIONS_CLAIM_TIMEOUT + 1)
    )
    assert deliver(row.pk) == "sent"  # that worker died: the claim is stale
    assert len(mail.outbox) == 1


def test_missing_row_is_ignored(db):
    assert deliver(123456) == "skipped"


def test_person_without_address_is_not_emailed(org):
    alice = org.user("alice")
    alice.email = ""
    alice.save()
    row = NotificationFactory(recipient=alice)
    assert deliver(row.pk) == "no-address"
    row.refresh_from_db()
    assert row.email_status == Status.SKIPPED and mail.outbox == []


def test_smtp_error_releases_the_claim_and_asks_for_a_retry(org, flaky):
    flaky.failures_left = 1
    row = NotificationFactory(recipient=org.user("alice"))
    with pytest.raises(TransientDeliveryError) as raised:
        deliver(row.pk)
    assert 9 <= raised.value.countdown <= 11
    row.refresh_from_db()
    assert row.email_status == Status.PENDING and row.claimed_at is None
    assert row.attempts == 1 and "SMTPServerDisconnected" in row.last_error
    assert row.next_attempt_at > timezone.now()
    assert deliver(row.pk) == "sent"
    row.refresh_from_db()
    assert row.attempts == 2 and row.email_status == Status.SENT


def test_backoff_grows_then_stops_at_the_maximum(org, flaky):
    flaky.failures_left = 10
    row = NotificationFactory(recipient=org.user("alice"))
    countdowns = []
    for _ in range(2):
        with pytest.raises(TransientDeliveryError) as raised:
            deliver(row.pk)
        countdowns.append(raised.value.countdown)
    assert countdowns[1] > countdowns[0] * 1.5
    assert deliver(row.pk) == "failed"  # third and last attempt
    row.refresh_from_db()
    assert row.email_status == Status.FAILED and row.attempts == 3 and mail.outbox == []


def test_permanent_refusal_is_not_retried(org, flaky):
    flaky.failures_left = 1
    flaky.error = smtplib.SMTPRecipientsRefused({"alice@chum.test": (550, b"No such user")})
    row = NotificationFactory(recipient=org.user("alice"))
    assert deliver(row.pk) == "failed"
    row.refresh_from_db()
    assert row.email_status == Status.FAILED and row.attempts == 1


def test_eager_task_does_not_block_on_retries(org, flaky):
    from portal.notifications.tasks import deliver_notification

    flaky.failures_left = 5
    row = NotificationFactory(recipient=org.user("alice"))
    deliver_notification.delay(row.pk)
    row.refresh_from_db()
    assert row.attempts == 1 and row.email_status == Status.PENDING


def test_sweep_delivers_what_was_missed_exactly_once(org, settings):
    alice = org.user("alice")
    old = timezone.now() - datetime.timedelta(seconds=settings.NOTIFICATIONS_SWEEP_AFTER + 5)
    missed = NotificationFactory(recipient=alice)
    recent = NotificationFactory(recipient=alice)
    stuck = NotificationFactory(
        recipient=alice,
        email_status=Status.SENDING,
        claimed_at=old - datetime.timedelta(seconds=settings.NOTIFICATIONS_CLAIM_TIMEOUT),
    )
    waiting_retry = NotificationFactory(
        recipient=alice, next_attempt_at=timezone.now() + datetime.timedelta(hours=1)
    )
    Notification.objects.filter(pk__in=[missed.pk, stuck.pk, waiting_retry.pk]).update(created_at=old)
    assert sweep_unsent() == 2
    statuses = dict(Notification.objects.values_list("pk", "email_status"))
    assert statuses[missed.pk] == statuses[stuck.pk] == Status.SENT
    assert statuses[recent.pk] == statuses[waiting_retry.pk] == Status.PENDING
    assert len(mail.outbox) == 2
    assert sweep_unsent() == 0
    assert len(mail.outbox) == 2


def test_two_threads_deliver_one_email(org, transactional_db):
    row = NotificationFactory(recipient=org.user("alice"))
    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(lambda _: _deliver_in_thread(row.pk), range(2)))
    assert outcomes == ["sent", "skipped"]
    assert len(mail.outbox) == 1


def _deliver_in_thread(pk):
    from django.db import connection

    try:
        return deliver(pk)
    finally:
        connection.close()


# --- Digest --------------------------------------------------------------------------------------


def test_digest_cutoff_is_the_last_digest_hour(settings):
    settings.NOTIFICATIONS_DIGEST_HOUR = 7
    tz = timezone.get_current_timezone()
    before = datetime.datetime(2026, 12, 5, 6, 30, tzinfo=tz)
    after = datetime.datetime(2026, 12, 5, 7, 30, tzinfo=tz)
    assert digest_cutoff(before) == datetime.datetime(2026, 12, 4, 7, 0, tzinfo=tz)
    assert digest_cutoff(after) == datetime.datetime(2026, 12, 5, 7, 0, tzinfo=tz)


def test_daily_digest_gathers_each_persons_reminders_in_one_email(org, settings):
    settings.NOTIFICATIONS_DIGEST_HOUR = 7
    alice, bob, oscar = org.user("alice"), org.user("bob"), org.user("oscar")
    tz = timezone.get_current_timezone()
    with time_machine.travel(datetime.datetime(2026, 12, 4, 15, 0, tzinfo=tz), tick=False):
        for person, count in ((alice, 3), (bob, 2)):
            for n in range(count):
                NotificationFactory(
                    recipient=person,
                    kind="tests.reminder",
                    digest=True,
                    email_status=Status.DIGEST,
                    context={"due": "2026-12-10"},
                    reference=f"CAMP-{person.username}-{n}",
                )
        NotificationFactory(recipient=oscar, kind="tests.routed")  # not a digest row
    with time_machine.travel(datetime.datetime(2026, 12, 5, 6, 0, tzinfo=tz), tick=False):
        late = NotificationFactory(
            recipient=alice,
            kind="tests.reminder",
            digest=True,
            email_status=Status.DIGEST,
            reference="CAMP-next-day",
        )
    with time_machine.travel(datetime.datetime(2026, 12, 5, 6, 30, tzinfo=tz), tick=False):
        assert send_daily_digests() == 0  # written after yesterday's digest: they wait for today's

    with time_machine.travel(datetime.datetime(2026, 12, 5, 7, 10, tzinfo=tz), tick=False):
        assert send_daily_digests() == 2
        assert send_daily_digests() == 0  # the hourly run finds nothing left
    assert sorted(m.to[0] for m in mail.outbox) == sorted([alice.email, bob.email])
    to_alice = next(m for m in mail.outbox if m.to == [alice.email])
    text, html = text_and_html(to_alice)
    assert "4 rappels" in to_alice.subject
    for n in range(3):
        assert f"CAMP-alice-{n}" in text and f"CAMP-alice-{n}" in html
    assert "CAMP-next-day" in text  # written before 7:00 that day
    assert "10 décembre 2026" in text
    assert set(Notification.objects.filter(digest=True).values_list("email_status", flat=True)) == {
        Status.SENT
    }
    late.refresh_from_db()
    assert late.sent_at is not None


def test_digest_retries_on_smtp_error_without_losing_reminders(org, flaky):
    alice = org.user("alice")
    rows = [
        NotificationFactory(recipient=alice, kind="tests.reminder", digest=True, email_status=Status.DIGEST)
        for _ in range(2)
    ]
    cutoff = timezone.now() + datetime.timedelta(seconds=1)
    flaky.failures_left = 1
    with pytest.raises(TransientDeliveryError):
        deliver_digest(alice.pk, cutoff)
    assert set(Notification.objects.values_list("email_status", flat=True)) == {Status.DIGEST}
    assert deliver_digest(alice.pk, cutoff) == "sent"
    assert deliver_digest(alice.pk, cutoff) == "skipped"
    assert len(mail.outbox) == 1
    assert all(r.attempts == 2 for r in Notification.objects.filter(pk__in=[r.pk for r in rows]))


def test_stale_digest_claim_goes_back_to_the_digest(org, settings):
    row = NotificationFactory(
        recipient=org.user("alice"),
        kind="tests.reminder",
        digest=True,
        email_status=Status.SENDING,
        claimed_at=timezone.now() - datetime.timedelta(seconds=settings.NOTIFICATIONS_CLAIM_TIMEOUT + 1),
    )
    assert sweep_unsent() == 0
    row.refresh_from_db()
    assert row.email_status == Status.DIGEST and mail.outbox == []
