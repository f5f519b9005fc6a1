from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = _("Politiques")

    def ready(self) -> None:
        from portal.notifications.kinds import register

        register("policies.version_in_force", _("Nouvelle version de politique en vigueur"))
        register(
            "policies.review_due",
            _("Révision de politique à prévoir"),
            reminder=True,
            detail=_("Prochaine révision prévue le %(review_on)s."),
        )
