"""Background work of campaigns. Tasks take ids, re-fetch, and do nothing when there is nothing left."""

from celery import shared_task


@shared_task(name="policies.campaign_launch", acks_late=True)
def launch_campaign(campaign_id: int) -> int:
    """Write every request of a launch and notify each person; safe to run again."""
    from .services import campaign_run_launch

    return campaign_run_launch(campaign_id=campaign_id)


@shared_task(name="policies.send_campaign_reminders")
def send_campaign_reminders() -> dict[str, int]:
    """Beat: reminders on each campaign's rhythm and the managers' overdue notices."""
    from .services import send_due_reminders

    return send_due_reminders()
