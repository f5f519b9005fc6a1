from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"
    verbose_name = _("Connexion")

    def ready(self) -> None:
        from axes.signals import user_locked_out  # noqa: F401  (axes connects its receivers first)
        from django.contrib.auth import signals

        from . import checks, receivers  # noqa: F401  (checks registers the configuration checks)

        signals.user_logged_in.connect(receivers.on_signed_in, dispatch_uid="portal.accounts.signed_in")
        signals.user_logged_out.connect(receivers.on_signed_out, dispatch_uid="portal.accounts.signed_out")
        signals.user_login_failed.connect(receivers.on_sign_in_failed, dispatch_uid="portal.accounts.failed")
