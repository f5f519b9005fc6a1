from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "policies.campaigns"
    label = "campaigns"
    verbose_name = _("Campagnes de prise de connaissance")

    def ready(self) -> None:
        from .notifications import register_kinds

        register_kinds()
