"""Background work of the organisation layer."""

from celery import shared_task


@shared_task(name="portal.purge_submissions")
def purge_submissions() -> int:
    """Beat (daily): forget old one-time submission keys (portal.submissions)."""
    from .submissions import submissions_purge

    return submissions_purge()
