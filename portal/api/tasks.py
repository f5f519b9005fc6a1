from celery import shared_task


@shared_task(name="api.purge_calls")
def purge_calls() -> int:
    """Daily: audit rows of API calls older than API_AUDIT_RETENTION_DAYS are removed."""
    from .services import calls_purge

    return calls_purge()
