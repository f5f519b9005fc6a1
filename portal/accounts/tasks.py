from celery import shared_task


@shared_task(name="accounts.purge_sign_in_log")
def purge_sign_in_log() -> int:
    """Daily beat entry: rows older than SIGN_IN_LOG_RETENTION_DAYS go (docs/rules.md, "Sign-in")."""
    from .services import sign_in_log_purge

    return sign_in_log_purge()
