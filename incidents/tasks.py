from celery import shared_task


@shared_task(name="incidents.escalate_overdue")
def escalate_overdue() -> dict[str, int]:
    """Beat job: overdue incidents move to the next level (see services.overdue)."""
    from .services import incidents_escalate_overdue

    return incidents_escalate_overdue()


@shared_task(name="incidents.apply_retention")
def apply_retention() -> dict:
    """Beat job (daily): register entries past their keep-until date, incidents past their retention
    period after closure (see incidents.retention). Idempotent; every action is logged."""
    from .retention import retention_apply

    return retention_apply().counts()
