from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from . import formats
        from .groups import sync_after_migrate

        post_migrate.connect(sync_after_migrate, dispatch_uid="portal.staff_groups")
        formats.install()  # "1er décembre" in French (portal/formats)
