"""Periodic work of policies (beat): the review reminders (policies.review)."""

from celery import shared_task

from .services import review_reminders_send


@shared_task(name="policies.send_review_reminders")
def send_review_reminders() -> int:
    """Daily; idempotent (each reminder is claimed once), so an hourly beat is harmless too."""
    return review_reminders_send()
