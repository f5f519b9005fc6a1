from celery import shared_task


@shared_task(name="notifications.deliver")
def deliver_notification(notification_id: int) -> None:
    from .delivery import deliver

    deliver(notification_id)
