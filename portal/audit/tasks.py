"""Background work of the audit trail."""

from celery import shared_task


@shared_task(name="audit.purge_expired")
def purge_expired() -> int:
    """Beat (daily): drop audit rows past AUDIT_RETENTION_YEARS, oldest first (portal.audit.retention)."""
    from .retention import audit_purge

    return audit_purge()


@shared_task(name="audit.seal_pending")
def seal_pending() -> int:
    """Beat (every minute): chain the rows written since the last run (portal.audit.chain)."""
    from .chain import seal_pending as seal

    return seal()
