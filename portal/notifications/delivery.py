"""Email delivery of notifications: one row at a time, the daily digest, and the sweep.

Idempotency rests on the claim: a conditional UPDATE moves a row from pending to sending, and only the
worker whose UPDATE changed the row sends it; it then marks the row sent. A second run of the same task
(acks_late redelivery, a duplicate message, the sweep) finds the row sending or sent and does nothing.
A worker killed between claim and mark leaves the row sending: after NOTIFICATIONS_CLAIM_TIMEOUT (longer
than any send can take) the sweep claims it again.
"""

from __future__ import annotations

import datetime
import logging
import random
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .emails import build_message, recipient_language, render_digest, render_notification
from .models import Notification

logger = logging.getLogger(__name__)

Status = Notification.EmailStatus

# Worth retrying: the SMTP server said "later" or could not be reached. A permanent refusal (5xx) is not.
RETRYABLE = (smtplib.SMTPException, OSError)

SWEEP_BATCH = 5000


class TransientDeliveryError(Exception):
    """The send failed for a reason worth retrying; the row is back in the outbox."""

    def __init__(self, message: str, countdown: float):
        super().__init__(message)
        self.countdown = countdown


@dataclass(frozen=True)
class Outcome:
    SENT = "sent"
    SKIPPED = "skipped"  # not ours to send: already sent, claimed by another worker, or gone
    NO_ADDRESS = "no-address"
    FAILED = "failed"


def _is_permanent(exc: BaseException) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 500 <= exc.smtp_code < 600
    return False


def backoff(attempts: int) -> float:
    """Seconds before attempt number `attempts + 1`: exponential, capped, with a little jitter."""
    base = settings.NOTIFICATIONS_RETRY_BACKOFF * (2 ** max(0, attempts - 1))
    return min(base, settings.NOTIFICATIONS_RETRY_BACKOFF_MAX) * random.uniform(0.9, 1.1)


def _stale_before(now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(seconds=settings.NOTIFICATIONS_CLAIM_TIMEOUT)


def claim(notification_id: int, now: datetime.datetime) -> bool:
    """Pending → sending, or re-claim a stale sending row. True only for the one caller that changed it."""
    claimable = Q(email_status=Status.PENDING) | Q(
        email_status=Status.SENDING, digest=False, claimed_at__lt=_stale_before(now)
    )
    return bool(
        Notification.objects.filter(claimable, pk=notification_id).update(
            email_status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    )


def _ours(ids: list[int], claimed_at: datetime.datetime):
    return Notification.objects.filter(pk__in=ids, email_status=Status.SENDING, claimed_at=claimed_at)


def _address_of(user) -> str:
    profile = getattr(user, "profile", None)
    if not user.is_active or not user.email or (profile is not None and not profile.is_active):
        return ""
    return user.email


def _record_failure(ids: list[int], claimed_at: datetime.datetime, exc: BaseException, *, release_to: str):
    """Release our claim after a failed send; returns the countdown for a retry, or None when it is over."""
    error = f"{type(exc).__name__}: {exc}"[:2000]
    rows = _ours(ids, claimed_at)
    attempts = max(rows.values_list("attempts", flat=True), default=0)
    if _is_permanent(exc) or attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
        rows.update(email_status=Status.FAILED, claimed_at=None, last_error=error)
        logger.error("Notification delivery failed for good (%s attempts): %s %s", attempts, ids, error)
        return None
    countdown = backoff(attempts)
    # The sweep stays away until the scheduled retry had its chance.
    next_attempt = timezone.now() + datetime.timedelta(seconds=countdown + settings.NOTIFICATIONS_SWEEP_AFTER)
    rows.update(email_status=release_to, claimed_at=None, last_error=error, next_attempt_at=next_attempt)
    logger.warning(
        "Notification delivery failed (attempt %s), retry in %.0fs: %s %s", attempts, countdown, ids, error
    )
    return countdown


def deliver(notification_id: int, connection=None) -> str:
    """Send one notification by email, once. Raises TransientDeliveryError when a retry is due."""
    now = timezone.now()
    if not claim(notification_id, now):
        return Outcome.SKIPPED
    notification = (
        Notification.objects.select_related("recipient", "recipient__profile")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None:
        return Outcome.SKIPPED
    address = _address_of(notification.recipient)
    if not address:
        _ours([notification.pk], now).update(
            email_status=Status.SKIPPED, claimed_at=None, last_error="no active email address"
        )
        return Outcome.NO_ADDRESS
    rendered = render_notification(notification, recipient_language(notification.recipient))
    try:
        build_message(rendered, address, connection=connection).send()
    except RETRYABLE as exc:
        countdown = _record_failure([notification.pk], now, exc, release_to=Status.PENDING)
        if countdown is None:
            return Outcome.FAILED
        raise TransientDeliveryError(str(exc), countdown) from exc
    if not _ours([notification.pk], now).update(
        email_status=Status.SENT, sent_at=timezone.now(), claimed_at=None
    ):
        logger.warning("Notification %s was sent but its claim had been taken over", notification.pk)
    return Outcome.SENT


class SharedConnection:
    """One SMTP connection reused across a batch; reopened after an error."""

    def __init__(self):
        self.connection = get_connection()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        try:
            self.connection.close()
        except Exception:  # a broken connection has nothing left to close
            logger.debug("Closing the SMTP connection failed", exc_info=True)

    def deliver(self, notification_id: int) -> str:
        try:
            self.connection.open()
            return deliver(notification_id, connection=self.connection)
        except RETRYABLE as exc:
            # Opening failed before any claim: nothing to release, the caller schedules a retry.
            self.close()
            raise TransientDeliveryError(str(exc), backoff(1)) from exc
        except TransientDeliveryError:
            self.close()
            raise


# --- Daily digest --------------------------------------------------------------------------------


def digest_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    """The most recent digest time (NOTIFICATIONS_DIGEST_HOUR, local): reminders written before it are due."""
    local = timezone.localtime(now or timezone.now())
    cutoff = local.replace(hour=settings.NOTIFICATIONS_DIGEST_HOUR, minute=0, second=0, microsecond=0)
    if local < cutoff:
        cutoff -= datetime.timedelta(days=1)
    return cutoff


def digest_recipients(cutoff: datetime.datetime) -> list[int]:
    return list(
        Notification.objects.filter(email_status=Status.DIGEST, created_at__lt=cutoff)
        .order_by()
        .values_list("recipient_id", flat=True)
        .distinct()
    )


def deliver_digest(user_id: int, cutoff: datetime.datetime) -> str:
    """One email gathering the person's reminders written before `cutoff`, sent once.

    Rows are claimed under a row lock (skipping rows another worker holds), so two runs never put the same
    reminder in two emails.
    """
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(recipient_id=user_id, email_status=Status.DIGEST, created_at__lt=cutoff)
            .order_by("created_at", "id")
            .values_list("pk", flat=True)
        )
        if ids:
            Notification.objects.filter(pk__in=ids).update(
                email_status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
            )
    if not ids:
        return Outcome.SKIPPED
    rows = list(
        _ours(ids, now).select_related("recipient", "recipient__profile").order_by("created_at", "id")
    )
    if not rows:
        return Outcome.SKIPPED
    user = rows[0].recipient
    address = _address_of(user)
    if not address:
        _ours(ids, now).update(
            email_status=Status.SKIPPED, claimed_at=None, last_error="no active email address"
        )
        return Outcome.NO_ADDRESS
    rendered = render_digest(rows, recipient_language(user))
    try:
        build_message(rendered, address).send()
    except RETRYABLE as exc:
        countdown = _record_failure(ids, now, exc, release_to=Status.DIGEST)
        if countdown is None:
            return Outcome.FAILED
        raise TransientDeliveryError(str(exc), countdown) from exc
    _ours(ids, now).update(email_status=Status.SENT, sent_at=timezone.now(), claimed_at=None)
    return Outcome.SENT


# --- Sweep ---------------------------------------------------------------------------------------


def sweepable(now: datetime.datetime | None = None) -> list[int]:
    """Rows the sweep must hand over again, oldest first; each is held back for one claim timeout so the
    next sweeps do not hand it over twice while it waits in the queue.

    Pending rows older than NOTIFICATIONS_SWEEP_AFTER (never enqueued: Redis was down; or the message was
    lost), and sending rows whose claim is stale (the worker died). Stale digest claims go back to the digest.
    """
    now = now or timezone.now()
    stale = _stale_before(now)
    Notification.objects.filter(email_status=Status.SENDING, digest=True, claimed_at__lt=stale).update(
        email_status=Status.DIGEST, claimed_at=None
    )
    due = Q(
        email_status=Status.PENDING,
        created_at__lt=now - datetime.timedelta(seconds=settings.NOTIFICATIONS_SWEEP_AFTER),
    ) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    due |= Q(email_status=Status.SENDING, digest=False, claimed_at__lt=stale) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    ids = list(
        Notification.objects.filter(due)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    if ids:
        Notification.objects.filter(pk__in=ids).update(
            next_attempt_at=now + datetime.timedelta(seconds=settings.NOTIFICATIONS_CLAIM_TIMEOUT)
        )
    return ids
