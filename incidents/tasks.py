from celery import shared_task


@shared_task(name="incidents.escalate_overdue")
def escalate_overdue() -> dict[str, int]:
    """Beat job: overdue incidents move to the next level (see services.overdue)."""
    from .services import incidents_escalate_overdue

    return incidents_escalate_overdue()
