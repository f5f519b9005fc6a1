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


@shared_task(name="incidents.register_notice_reminders")
def register_notice_reminders() -> int:
    """Beat job: register entries with a serious risk whose notices are missing remind DCAI (first at once,
    then every REGISTER_REMINDER_WORKING_DAYS working days; see services.compliance). Idempotent."""
    from .services.compliance import register_send_notice_reminders

    return register_send_notice_reminders()


@shared_task(name="incidents.warm_statistics")
def warm_statistics() -> bool:
    """The statistics page's default view counted ahead of DCAI and the general direction (statistics.cache)."""
    from .statistics.cache import warm

    return warm()


@shared_task(name="incidents.fold_statistics")
def fold_statistics() -> int:
    """Beat job (PostgreSQL): the incident counts' pending changes added to the kept counts (statistics.kept)."""
    from .statistics.kept import fold

    return fold()
