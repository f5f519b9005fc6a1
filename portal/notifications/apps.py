from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "portal.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from .kinds import register

        # A plain notice with no workflow of its own (administrator messages, delivery checks).
        register("notifications.notice", _("Avis du portail"))
