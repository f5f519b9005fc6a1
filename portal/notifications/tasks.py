"""Celery tasks of notifications. They take ids, re-read the rows and do nothing when already handled."""

import logging

from celery import shared_task
from django.utils import timezone
from django.utils.dateparse import parse_datetime

logger = logging.getLogger(__name__)

# A hard limit well under NOTIFICATIONS_CLAIM_TIMEOUT: a send never outlives its claim.
TIME_LIMIT = 300


@shared_task(
    name="notifications.deliver", bind=True, ignore_result=True, max_retries=None, time_limit=TIME_LIMIT
)
def deliver_notification(self, notification_id: int) -> str:
    """Email one notification; on an SMTP error retry with exponential backoff until the last attempt."""
    from .delivery import TransientDeliveryError, deliver

    try:
        return deliver(notification_id)
    except TransientDeliveryError as exc:
        if self.request.is_eager:
            # In-process mode (no broker): no blocking retries in the request; the sweep picks it up.
            return "retry-later"
        raise self.retry(exc=exc, countdown=exc.countdown) from exc


@shared_task(name="notifications.deliver_many", ignore_result=True, time_limit=TIME_LIMIT * 4)
def deliver_notifications(notification_ids: list[int]) -> dict[str, int]:
    """Email a chunk of notifications over one SMTP connection; a failing one gets its own retry task."""
    from .delivery import SharedConnection, TransientDeliveryError

    counts: dict[str, int] = {}
    with SharedConnection() as smtp:
        for notification_id in notification_ids:
            try:
                outcome = smtp.deliver(notification_id)
            except TransientDeliveryError as exc:
                outcome = "retry"
                _schedule_retry(notification_id, exc.countdown)
            counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def _schedule_retry(notification_id: int, countdown: float) -> None:
    try:
        deliver_notification.apply_async((notification_id,), countdown=countdown)
    except Exception:  # broker gone: the row is pending, the sweep retries it
        logger.warning("Could not schedule the retry of notification %s", notification_id, exc_info=True)


@shared_task(name="notifications.sweep_unsent", ignore_result=True)
def sweep_unsent() -> int:
    """Beat: hand over again every notification left pending (Redis was down) or stuck (worker died)."""
    from .delivery import sweepable
    from .services import enqueue_deliveries

    ids = sweepable()
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
    time_limit=TIME_LIMIT,
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
