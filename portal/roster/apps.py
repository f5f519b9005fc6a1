from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RosterConfig(AppConfig):
    name = "portal.roster"
    label = "roster"
    verbose_name = _("Utilisateurs autorisés")

    def ready(self) -> None:
        from portal.notifications.kinds import register

        register("roster.designation_submitted", _("Nouvelle désignation d'utilisateur autorisé à confirmer"))
        register("roster.renewal_submitted", _("Renouvellement d'utilisateur autorisé à confirmer"))
        register("roster.designation_active", _("Vous êtes utilisateur autorisé des médias sociaux"))
        register("roster.designation_confirmed", _("Désignation d'utilisateur autorisé confirmée"))
        register("roster.designation_refused", _("Désignation d'utilisateur autorisé refusée"))
        register("roster.designation_revoked", _("Désignation d'utilisateur autorisé révoquée"))
        register("roster.designation_expired", _("Désignation d'utilisateur autorisé échue"))
        register("roster.renewal_due", _("Désignation d'utilisateur autorisé à renouveler"), reminder=True)
        register(
            "roster.acknowledgement_requested",
            _("Prenez connaissance de la politique pour devenir utilisateur autorisé"),
            reminder=True,
        )
