from celery import shared_task


@shared_task(name="roster.daily_maintenance")
def daily_maintenance() -> dict[str, int]:
    """Hourly beat entry; the work itself acts once per designation and day (see the service)."""
    from .services import daily_maintenance as run

    return run()
