"""Email delivery of one notification (to be completed: templates, retries, digest)."""


def deliver(notification_id: int) -> None:
    return None
