"""Celery tasks of notifications. They take ids, re-read the rows and do nothing when already handled.

None stores a result (settings: CELERY_TASK_IGNORE_RESULT). A database that goes away during a batch
hands the rest of the batch back to the queue at once (a short countdown), rather than leaving it to the
sweep; an SMTP server that cannot be reached makes the whole batch wait for its backoff, as one task.
"""

import logging

from celery import shared_task
from django.utils import timezone
from django.utils.dateparse import parse_datetime

logger = logging.getLogger(__name__)

# A hard limit under NOTIFICATIONS_CLAIM_TIMEOUT (120 s by default): a single send never outlives its claim.
SEND_TIME_LIMIT = 90
BATCH_TIME_LIMIT = 1200
# A batch handed back because the database was unreachable: again after these many seconds, at most this
# many times (then the sweep takes over).
HAND_BACK_COUNTDOWN = 2.0
HAND_BACK_COUNTDOWN_MAX = 30.0
HAND_BACK_MAX = 12


@shared_task(
    name="notifications.deliver", bind=True, ignore_result=True, max_retries=None, time_limit=SEND_TIME_LIMIT
)
def deliver_notification(self, notification_id: int) -> str:
    """Email one notification; on an SMTP error retry with exponential backoff until the last attempt."""
    from .delivery import DATABASE_UNAVAILABLE, TransientDeliveryError, deliver

    try:
        return deliver(notification_id)
    except TransientDeliveryError as exc:
        if self.request.is_eager:
            # In-process mode (no broker): no blocking retries in the request; the sweep picks it up.
            return "retry-later"
        raise self.retry(exc=exc, countdown=exc.countdown) from exc
    except DATABASE_UNAVAILABLE as exc:
        if self.request.is_eager or self.request.retries >= HAND_BACK_MAX:
            raise
        countdown = min(HAND_BACK_COUNTDOWN * 2**self.request.retries, HAND_BACK_COUNTDOWN_MAX)
        raise self.retry(exc=exc, countdown=countdown) from exc


@shared_task(name="notifications.deliver_many", ignore_result=True, time_limit=BATCH_TIME_LIMIT)
def deliver_notifications(notification_ids: list[int], handed_back: int = 0) -> dict[str, int]:
    """Email a chunk of notifications over one SMTP connection; a failing one gets its own retry task."""
    from .delivery import DATABASE_UNAVAILABLE, SharedConnection, SmtpUnavailable, TransientDeliveryError

    counts: dict[str, int] = {}
    with SharedConnection() as smtp:
        smtp.prefetch(notification_ids)
        for index, notification_id in enumerate(notification_ids):
            try:
                outcome = smtp.deliver(notification_id)
            except SmtpUnavailable as exc:
                rest = notification_ids[index:]
                counts["waiting"] = len(rest)
                _hand_back(rest, exc.countdown, handed_back, reason=str(exc))
                break
            except TransientDeliveryError as exc:
                outcome = "retry"
                _schedule_retry(notification_id, exc.countdown)
            except DATABASE_UNAVAILABLE as exc:
                rest = notification_ids[index:]
                counts["handed-back"] = len(rest)
                countdown = min(HAND_BACK_COUNTDOWN * 2**handed_back, HAND_BACK_COUNTDOWN_MAX)
                _hand_back(rest, countdown, handed_back, reason=str(exc))
                break
            except Exception:  # a fault of ours on one row: it went back to the outbox, the others go on
                logger.exception("Notification %s could not be delivered", notification_id)
                outcome = "error"
            counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def _hand_back(notification_ids: list[int], countdown: float, handed_back: int, *, reason: str) -> None:
    """The rest of a batch back to the queue as one task; after HAND_BACK_MAX times, the sweep's."""
    if handed_back >= HAND_BACK_MAX:
        logger.warning("Leaving %s notifications to the sweep: %s", len(notification_ids), reason)
        return
    logger.warning(
        "Handing %s notifications back to the queue (again in %.0fs): %s", len(notification_ids), countdown, reason
    )
    try:
        deliver_notifications.apply_async((notification_ids, handed_back + 1), countdown=countdown)
    except Exception:  # broker gone too: the rows are pending, the sweep delivers them
        logger.warning("Could not hand %s notifications back", len(notification_ids), exc_info=True)


def _schedule_retry(notification_id: int, countdown: float) -> None:
    try:
        deliver_notification.apply_async((notification_id,), countdown=countdown)
    except Exception:  # broker gone: the row is pending, the sweep retries it
        logger.warning("Could not schedule the retry of notification %s", notification_id, exc_info=True)


def broker_backlog() -> int | None:
    """Messages waiting in the default queue (none when tasks run in-process), or None when the broker
    cannot tell."""
    from portal.celery import app

    if app.conf.task_always_eager:
        return 0
    try:
        with app.connection_for_read() as conn, conn.channel() as channel:
            return channel.queue_declare(queue=app.conf.task_default_queue).message_count
    except Exception:  # an unknown backlog only makes the sweep more patient
        logger.info("Could not read the queue's backlog", exc_info=True)
        return None


@shared_task(name="notifications.sweep_unsent", ignore_result=True)
def sweep_unsent() -> int:
    """Beat: hand over again every notification left pending (Redis was down) or stuck (worker died)."""
    from .delivery import sweepable
    from .services import enqueue_deliveries

    ids = sweepable(backlog=broker_backlog())
    if ids:
        logger.info("Sweep: %s notifications handed over again", len(ids))
        enqueue_deliveries(ids)
    return len(ids)


@shared_task(name="notifications.send_daily_digests", ignore_result=True)
def send_daily_digests() -> int:
    """Beat (hourly): one digest task per person with reminders written before the last digest time."""
    from .delivery import digest_cutoff, digest_recipients

    cutoff = digest_cutoff(timezone.now())
    user_ids = digest_recipients(cutoff)
    for user_id in user_ids:
        deliver_digest.delay(user_id, cutoff.isoformat())
    return len(user_ids)


@shared_task(
    name="notifications.deliver_digest",
    bind=True,
    ignore_result=True,
    max_retries=None,
    time_limit=SEND_TIME_LIMIT,
)
def deliver_digest(self, user_id: int, cutoff: str) -> str:
    from .delivery import TransientDeliveryError
    from .delivery import deliver_digest as send_digest

    try:
        return send_digest(user_id, parse_datetime(cutoff))
    except TransientDeliveryError as exc:
        if self.request.is_eager:
            return "retry-later"  # the next hourly run gathers them again
        raise self.retry(exc=exc, countdown=exc.countdown) from exc
