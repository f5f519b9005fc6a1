"""Email delivery of notifications: one row at a time, the daily digest, and the sweep.

Idempotency rests on the claim: a conditional UPDATE moves a row from pending to sending, and only the
worker whose UPDATE changed the row sends it; it then marks the row sent (and clears the last error). A
second run of the same task (acks_late redelivery, a duplicate message, the sweep) finds the row sending or
sent and does nothing.

Every email carries a Message-ID derived from its row (`Notification.message_id`), the same on every
attempt, so that a second copy is recognisable by mail systems as the same message.

After the SMTP server has accepted a message, "mark sent" is retried on a fresh database connection for up
to MARK_SENT_BUDGET seconds (a dropped connection, a PostgreSQL restart). A worker that dies leaves its row
"sending": on PostgreSQL the claim records the server process of the connection that made it
(`claim_backend`), and the sweep releases a claim older than NOTIFICATIONS_DEAD_CLAIM_GRACE seconds whose
connection is gone (younger, its worker may be alive and reconnecting for its "mark sent"); on any database
a claim older than NOTIFICATIONS_CLAIM_TIMEOUT is released.

The remaining duplicate window: the SMTP server has accepted the message and then either the database
stays unreachable for longer than MARK_SENT_BUDGET, or the process dies (kill -9, power loss) before its
"mark sent" commits. The row is then sent again once its claim is released, with the same Message-ID.
Nothing is lost; a row caught in that window is sent at most once more per such fault.

A batch's statements commit without waiting for PostgreSQL's disk flush (`synchronous_commit` off for the
batch only: `relaxed_commits`). A commit is visible to every other connection at once, so a worker killed
mid-batch changes nothing above; only a crash of the PostgreSQL server itself may lose the marks committed
in the last fraction of a second, and those rows are sent once more, with the same Message-ID.
"""

from __future__ import annotations

import datetime
import logging
import random
import smtplib
import time
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Func, IntegerField, Q
from django.utils import timezone, translation

from .emails import (
    PreparedEmails,
    Rendered,
    build_message,
    recipient_language,
    render_digest,
    render_notification,
)
from .models import Notification, email_message_id

logger = logging.getLogger(__name__)

Status = Notification.EmailStatus

# Worth retrying: the SMTP server said "later" or could not be reached. A permanent refusal (5xx) is not.
RETRYABLE = (smtplib.SMTPException, OSError)
# The database went away (restart, dropped connection): retried on a fresh connection.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)

SWEEP_BATCH = 5000
# Seconds spent retrying "mark sent" after the SMTP server accepted (module docstring).
MARK_SENT_BUDGET = 30.0


class TransientDeliveryError(Exception):
    """The send failed for a reason worth retrying; the row is back in the outbox."""

    def __init__(self, message: str, countdown: float):
        super().__init__(message)
        self.countdown = countdown


class SmtpUnavailable(TransientDeliveryError):
    """The SMTP server could not be reached before any row was claimed: the whole batch waits."""


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


def _claim_holder():
    """What `claim_backend` records: this connection's server process on PostgreSQL, else nothing."""
    if connection.vendor == "postgresql":
        return Func(function="pg_backend_pid", output_field=IntegerField())
    return None


def claim(notification_id: int, now: datetime.datetime) -> bool:
    """Pending → sending, or re-claim a stale sending row. True only for the one caller that changed it."""
    claimable = Q(email_status=Status.PENDING) | Q(
        email_status=Status.SENDING, digest=False, claimed_at__lt=_stale_before(now)
    )
    return bool(
        Notification.objects.filter(claimable, pk=notification_id).update(
            email_status=Status.SENDING, claimed_at=now, claim_backend=_claim_holder(), attempts=F("attempts") + 1
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
    released = {"claimed_at": None, "claim_backend": None, "last_error": error}
    if _is_permanent(exc) or attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
        rows.update(email_status=Status.FAILED, **released)
        logger.error("Notification delivery failed for good (%s attempts): %s %s", attempts, ids, error)
        return None
    countdown = backoff(attempts)
    # The sweep stays away until the scheduled retry had its chance.
    next_attempt = timezone.now() + datetime.timedelta(seconds=countdown + settings.NOTIFICATIONS_SWEEP_AFTER)
    rows.update(email_status=release_to, next_attempt_at=next_attempt, **released)
    logger.warning("Notification delivery failed (attempt %s), retry in %.0fs: %s %s", attempts, countdown, ids, error)
    return countdown


def _fresh_connection() -> None:
    try:
        connection.close()
    except Exception:  # a broken connection has nothing left to close
        logger.debug("Closing the database connection failed", exc_info=True)


def mark_sent(ids: list[int], claimed_at: datetime.datetime, *, budget: float = MARK_SENT_BUDGET) -> bool:
    """After the SMTP server accepted: sent, last error cleared. Retried on a fresh connection while the
    database is unreachable, for `budget` seconds; then the error propagates (the row stays "sending" and
    its claim is released later: the duplicate window of the module docstring).

    False when the claim had been taken over meanwhile (the other worker's send is then a duplicate).
    """
    deadline = time.monotonic() + budget
    pause = 0.1
    while True:
        try:
            return bool(
                _ours(ids, claimed_at).update(
                    email_status=Status.SENT,
                    sent_at=timezone.now(),
                    claimed_at=None,
                    claim_backend=None,
                    last_error="",
                )
            )
        except DATABASE_UNAVAILABLE:
            # Inside a transaction the connection cannot be replaced: the caller's transaction is lost anyway.
            if connection.in_atomic_block or time.monotonic() + pause > deadline:
                raise
            logger.warning("Could not mark %s sent; retrying on a fresh connection in %.1fs", ids, pause)
            _fresh_connection()
            time.sleep(pause)
            pause = min(pause * 2, 2.0)


def _fetch(notification_id: int) -> Notification | None:
    return Notification.objects.select_related("recipient", "recipient__profile").filter(pk=notification_id).first()


def _send_built(rendered: Rendered, address: str, message_id: str, connection=None) -> None:
    build_message(rendered, address, connection=connection, message_id=message_id).send()


def _send_claimed(
    notification: Notification, now: datetime.datetime, connection=None, render=None, send=None
) -> str:
    """Send a row this worker claimed at `now`; the caller marks it sent (Outcome.SENT) afterwards.
    Raises TransientDeliveryError when a retry is due. `render`: as `render_notification` (a batch's cache);
    `send`: as `_send_built` (a batch's prepared emails)."""
    address = _address_of(notification.recipient)
    if not address:
        _ours([notification.pk], now).update(
            email_status=Status.SKIPPED, claimed_at=None, claim_backend=None, last_error="no active email address"
        )
        return Outcome.NO_ADDRESS
    try:
        rendered = (render or render_notification)(notification, recipient_language(notification.recipient))
        (send or _send_built)(rendered, address, notification.message_id, connection)
    except RETRYABLE as exc:
        countdown = _record_failure([notification.pk], now, exc, release_to=Status.PENDING)
        if countdown is None:
            return Outcome.FAILED
        raise TransientDeliveryError(str(exc), countdown) from exc
    except Exception as exc:  # a fault of ours (rendering): back to the outbox with a backoff, never stuck
        _record_failure([notification.pk], now, exc, release_to=Status.PENDING)
        raise
    return Outcome.SENT


def deliver(notification_id: int, connection=None) -> str:
    """Send one notification by email, once. Raises TransientDeliveryError when a retry is due."""
    now = timezone.now()
    if not claim(notification_id, now):
        return Outcome.SKIPPED
    notification = _fetch(notification_id)
    if notification is None:
        return Outcome.SKIPPED
    outcome = _send_claimed(notification, now, connection)
    if outcome == Outcome.SENT and not mark_sent([notification.pk], now):
        logger.warning("Notification %s was sent but its claim had been taken over", notification.pk)
    return outcome


@lru_cache(maxsize=4)
def _mark_sent_and_claim_sql(vendor: str) -> str:
    """The statement of `mark_sent_and_claim`, written once: composing it with the ORM (six CASE
    expressions, an OR of two conditions) cost more than the statement itself and the send together."""
    meta = Notification._meta
    q = connection.ops.quote_name
    pk, status, claimed_at, digest = (
        q(meta.get_field(name).column) for name in ("id", "email_status", "claimed_at", "digest")
    )
    holder = "pg_backend_pid()" if vendor == "postgresql" else "NULL"

    def either(field: str, if_sent: str, otherwise: str) -> str:
        column = q(meta.get_field(field).column)
        return f"{column} = CASE WHEN {pk} = %(sent)s THEN {if_sent} ELSE {otherwise} END"

    assignments = ", ".join(
        [
            either("email_status", "%(sent_status)s", "%(sending)s"),
            either("sent_at", "%(now)s", q(meta.get_field("sent_at").column)),
            either("claimed_at", "NULL", "%(now)s"),
            either("claim_backend", "NULL", holder),
            either("last_error", "''", q(meta.get_field("last_error").column)),
            either("attempts", q(meta.get_field("attempts").column), q(meta.get_field("attempts").column) + " + 1"),
        ]
    )
    return (
        f"UPDATE {q(meta.db_table)} SET {assignments} WHERE "
        f"({pk} = %(sent)s AND {status} = %(sending)s AND {claimed_at} = %(sent_claimed_at)s) OR "
        f"({pk} = %(next)s AND ({status} = %(pending)s OR "
        f"({status} = %(sending)s AND {digest} = %(no)s AND {claimed_at} < %(stale)s)))"
    )


def mark_sent_and_claim(sent: tuple[int, datetime.datetime], notification_id: int, now: datetime.datetime) -> bool:
    """One statement for two steps of a batch: the row the SMTP server just accepted is marked sent (as
    `mark_sent`) and the next row is claimed (as `claim`). True only when the claim was won.

    The sent row is marked before the next send starts, as with two statements: at any moment at most one
    row of a batch is accepted by the SMTP server and not yet marked (module docstring)."""
    sent_pk, sent_claimed_at = sent
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            _mark_sent_and_claim_sql(connection.vendor),
            {
                "sent": sent_pk,
                "next": notification_id,
                "sent_status": Status.SENT,
                "sending": Status.SENDING,
                "pending": Status.PENDING,
                "now": adapt(now),
                "sent_claimed_at": adapt(sent_claimed_at),
                "stale": adapt(_stale_before(now)),
                "no": False,
            },
        )
        changed = cursor.rowcount
    if changed == 2:
        return True
    if changed == 1:  # one of the two: which one, asked only on this rare path
        return _ours([notification_id], now).exists()
    logger.warning("Notification %s was sent but its claim had been taken over", sent_pk)
    return False


def relaxed_commits(relaxed: bool) -> None:
    """A batch's commits do not wait for the disk flush (module docstring); back to the server's setting
    after. On PostgreSQL only; a lost connection is replaced with the server's setting anyway."""
    if connection.vendor != "postgresql":
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off" if relaxed else "RESET synchronous_commit")
    except DATABASE_UNAVAILABLE:
        # The batch's own statements meet the lost database and hand the batch back (tasks.py).
        logger.warning("Could not %s the batch's commits", "relax" if relaxed else "restore", exc_info=True)
        if not relaxed:
            _fresh_connection()


class SharedConnection:
    """One SMTP connection reused across a batch; reopened after an error.

    The batch's rows are read in one query (`prefetch`), and each row's "mark sent" travels with the
    next row's claim (`mark_sent_and_claim`): one statement per email instead of three. The last row is
    marked when the batch ends or before anything else is attempted (`flush`)."""

    def __init__(self):
        self.connection = get_connection()
        self._rows: dict[int, Notification] = {}
        self._unmarked: tuple[int, datetime.datetime] | None = None
        self._rendered: dict[tuple, Rendered] = {}
        # Over SMTP, each email is the batch's prepared bytes with its own headers (emails.PreparedEmails).
        self._prepared = PreparedEmails() if isinstance(self.connection, SmtpBackend) else None

    def send(self, rendered: Rendered, address: str, message_id: str, connection) -> None:
        data = self._prepared.bytes_for(rendered, address, message_id) if self._prepared else None
        if data is None:
            return _send_built(rendered, address, message_id, connection)
        # What Django's SMTP backend does with a built message (open before, sendmail of its bytes).
        connection.connection.sendmail(self._prepared.from_address, [address], data)

    def render(self, notification: Notification, language: str) -> Rendered:
        """Emails of a batch with the same content are rendered once (a campaign: one kind, one link). Keyed
        by exactly what `render_notification` writes into the email, so two rows share an email only when
        their emails would be the same; the cache lives as long as the batch."""
        with translation.override(language):
            key = (language, notification.title, notification.detail)
        key += (notification.reference, notification.urgent, notification.link)
        if key not in self._rendered:
            self._rendered[key] = render_notification(notification, language)
        return self._rendered[key]

    def __enter__(self):
        relaxed_commits(True)
        return self

    def __exit__(self, *exc_info):
        try:
            self.close()
        finally:
            relaxed_commits(False)

    def prefetch(self, notification_ids: list[int]) -> None:
        """Read the batch's rows with their recipients at once (a lost database: read one by one later)."""
        try:
            self._rows = Notification.objects.select_related("recipient", "recipient__profile").in_bulk(
                notification_ids
            )
        except DATABASE_UNAVAILABLE:
            self._rows = {}

    def flush(self) -> None:
        """Mark the last accepted row sent, retried on a fresh connection (`mark_sent`)."""
        if self._unmarked is None:
            return
        pk, claimed_at = self._unmarked
        self._unmarked = None
        if not mark_sent([pk], claimed_at):
            logger.warning("Notification %s was sent but its claim had been taken over", pk)

    def close(self):
        try:
            self.flush()
        finally:
            try:
                self.connection.close()
            except Exception:  # a broken connection has nothing left to close
                logger.debug("Closing the SMTP connection failed", exc_info=True)

    def _claim(self, notification_id: int, now: datetime.datetime) -> bool:
        if self._unmarked is None:
            return claim(notification_id, now)
        unmarked, self._unmarked = self._unmarked, None
        try:
            return mark_sent_and_claim(unmarked, notification_id, now)
        except DATABASE_UNAVAILABLE:
            # The accepted row is marked on a fresh connection before the batch is handed back.
            if not mark_sent([unmarked[0]], unmarked[1]):
                logger.info("Notification %s was marked sent before the connection was lost", unmarked[0])
            raise

    def deliver(self, notification_id: int) -> str:
        try:
            self.connection.open()
        except RETRYABLE as exc:
            # Opening failed before any claim: nothing to release; the caller retries the whole batch.
            self.close()
            raise SmtpUnavailable(str(exc), backoff(1)) from exc
        now = timezone.now()
        try:
            if not self._claim(notification_id, now):
                return Outcome.SKIPPED
            notification = self._rows.pop(notification_id, None) or _fetch(notification_id)
            if notification is None:
                return Outcome.SKIPPED
            outcome = _send_claimed(notification, now, self.connection, render=self.render, send=self.send)
        except RETRYABLE as exc:  # the connection broke outside a send (e.g. on close)
            self.close()
            raise TransientDeliveryError(str(exc), backoff(1)) from exc
        except TransientDeliveryError:
            self.close()
            raise
        if outcome == Outcome.SENT:
            self._unmarked = (notification_id, now)
        return outcome


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
                email_status=Status.SENDING, claimed_at=now, claim_backend=_claim_holder(), attempts=F("attempts") + 1
            )
    if not ids:
        return Outcome.SKIPPED
    rows = list(_ours(ids, now).select_related("recipient", "recipient__profile").order_by("created_at", "id"))
    if not rows:
        return Outcome.SKIPPED
    user = rows[0].recipient
    address = _address_of(user)
    if not address:
        _ours(ids, now).update(
            email_status=Status.SKIPPED, claimed_at=None, claim_backend=None, last_error="no active email address"
        )
        return Outcome.NO_ADDRESS
    rendered = render_digest(rows, recipient_language(user))
    # The same reminders give the same Message-ID: a re-sent digest is recognisable as the same message.
    message_id = email_message_id(f"digest.{user_id}.{rows[0].pk}.{rows[-1].pk}.{len(rows)}")
    try:
        build_message(rendered, address, message_id=message_id).send()
    except RETRYABLE as exc:
        countdown = _record_failure(ids, now, exc, release_to=Status.DIGEST)
        if countdown is None:
            return Outcome.FAILED
        raise TransientDeliveryError(str(exc), countdown) from exc
    mark_sent(ids, now)
    return Outcome.SENT


# --- Sweep ---------------------------------------------------------------------------------------


def live_backends() -> dict[int, datetime.datetime] | None:
    """PostgreSQL server processes of this database that are connected now, with their start time;
    None on a database that cannot tell."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid, backend_start FROM pg_stat_activity WHERE datname = current_database()")
        return {pid: started for pid, started in cursor.fetchall() if started is not None}


def release_dead_claims(now: datetime.datetime | None = None) -> list[int]:
    """Claims whose connection is gone (the worker died) go back to the outbox; returns the released
    direct (non-digest) rows, to be handed over at once. PostgreSQL only; see the module docstring."""
    now = now or timezone.now()
    live = live_backends()
    if live is None:
        return []
    old = now - datetime.timedelta(seconds=settings.NOTIFICATIONS_DEAD_CLAIM_GRACE)
    candidates = Notification.objects.filter(email_status=Status.SENDING, claimed_at__lt=old).values_list(
        "pk", "claim_backend", "claimed_at", "digest"
    )
    dead = [
        (pk, digest)
        for pk, backend, claimed_at, digest in candidates
        # A server process number reused by a newer connection started after the claim.
        if backend is None or backend not in live or live[backend] > claimed_at
    ]
    released: list[int] = []
    for is_digest in (False, True):
        ids = [pk for pk, digest in dead if digest == is_digest]
        if not ids:
            continue
        count = Notification.objects.filter(pk__in=ids, email_status=Status.SENDING, claimed_at__lt=old).update(
            email_status=Status.DIGEST if is_digest else Status.PENDING,
            claimed_at=None,
            claim_backend=None,
            next_attempt_at=None,
        )
        logger.warning("Released %s notification claims of a worker that died", count)
        if not is_digest:
            released = ids
    return released


def sweepable(now: datetime.datetime | None = None, *, backlog: int | None = None) -> list[int]:
    """Rows the sweep must hand over again, oldest first; each is held back for one claim timeout so the
    next sweeps do not hand it over twice while it waits in the queue.

    - sending rows whose worker died (`release_dead_claims`) or whose claim is stale;
    - pending rows older than NOTIFICATIONS_SWEEP_AFTER that are not in the queue: never handed over (the
      broker was down) or lost (the broker restarted). `backlog` is the number of messages waiting in the
      queue: while it is not 0 (or unknown) a pending row may simply be waiting there, and it is handed over
      again only after NOTIFICATIONS_REQUEUE_AFTER.
    Stale digest claims go back to the digest.
    """
    now = now or timezone.now()
    released = release_dead_claims(now)
    stale = _stale_before(now)
    Notification.objects.filter(email_status=Status.SENDING, digest=True, claimed_at__lt=stale).update(
        email_status=Status.DIGEST, claimed_at=None, claim_backend=None
    )
    not_held = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    waited = settings.NOTIFICATIONS_SWEEP_AFTER if backlog == 0 else settings.NOTIFICATIONS_REQUEUE_AFTER
    due = Q(email_status=Status.PENDING, created_at__lt=now - datetime.timedelta(seconds=waited)) & not_held
    due |= Q(email_status=Status.SENDING, digest=False, claimed_at__lt=stale) & not_held
    ids = list(
        Notification.objects.filter(due)
        .exclude(pk__in=released)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    ids = released + ids
    if ids:
        Notification.objects.filter(pk__in=ids).update(
            next_attempt_at=now + datetime.timedelta(seconds=settings.NOTIFICATIONS_CLAIM_TIMEOUT)
        )
    return ids
