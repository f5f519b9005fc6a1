from django.apps import AppConfig
from django.core.signals import setting_changed
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from . import formats
        from .groups import sync_after_migrate

        post_migrate.connect(sync_after_migrate, dispatch_uid="portal.staff_groups")
        setting_changed.connect(_forget_fragments, dispatch_uid="portal.forget_fragments")
        formats.install()  # "1er décembre" in French (portal/formats)


# Settings a kept page fragment depends on besides its key (the addresses, the languages, the templates).
_FRAGMENT_SETTINGS = {"ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE", "TEMPLATES", "FORCE_SCRIPT_NAME"}


def _forget_fragments(*, setting: str, **kwargs) -> None:
    if setting in _FRAGMENT_SETTINGS:
        from django.core.cache import caches

        caches["fragments"].clear()
