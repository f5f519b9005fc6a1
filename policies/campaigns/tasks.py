"""Background work of campaigns. Tasks take ids, re-fetch, and do nothing when there is nothing left."""

from celery import shared_task


@shared_task(name="policies.campaign_launch", acks_late=True, ignore_result=True)
def launch_campaign(campaign_id: int) -> int:
    """Write every request of a launch and notify each person; safe to run again. Stores no result: a
    result store that is down would hold the launching request (settings, "Broker down")."""
    from .services import campaign_run_launch

    return campaign_run_launch(campaign_id=campaign_id)


@shared_task(name="policies.resume_stalled_launches")
def resume_stalled_launches() -> int:
    """Beat (every minute): run the launches whose task never started (broker down, message lost)."""
    from .services import resume_stalled_launches as resume

    return resume()


@shared_task(name="policies.send_campaign_reminders")
def send_campaign_reminders() -> dict[str, int]:
    """Beat: reminders on each campaign's rhythm and the managers' overdue notices."""
    from .services import send_due_reminders

    return send_due_reminders()
