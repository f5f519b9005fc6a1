from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RosterConfig(AppConfig):
    name = "portal.roster"
    label = "roster"
    verbose_name = _("Utilisateurs autorisés")

    def ready(self) -> None:
        from portal.notifications.kinds import register

        period = _("Direction %(direction)s · du %(start_date)s au %(end_date)s")
        register(
            "roster.designation_submitted",
            _("Nouvelle désignation d'utilisateur autorisé à confirmer"),
            detail=period,
        )
        register(
            "roster.renewal_submitted", _("Renouvellement d'utilisateur autorisé à confirmer"), detail=period
        )
        register(
            "roster.designation_active",
            _("Vous êtes utilisateur autorisé des médias sociaux"),
            detail=_(
                "Du %(start_date)s au %(end_date)s. Lisez les obligations des utilisateurs autorisés "
                "(section 6.3) et la nétiquette."
            ),
        )
        register(
            "roster.designation_confirmed", _("Désignation d'utilisateur autorisé confirmée"), detail=period
        )
        register("roster.designation_refused", _("Désignation d'utilisateur autorisé refusée"), detail=period)
        register(
            "roster.designation_revoked", _("Désignation d'utilisateur autorisé révoquée"), detail=period
        )
        register(
            "roster.designation_expired",
            _("Désignation d'utilisateur autorisé échue"),
            detail=_("Direction %(direction)s · terminée le %(end_date)s"),
        )
        register(
            "roster.renewal_due",
            _("Désignation d'utilisateur autorisé à renouveler"),
            reminder=True,
            detail=_("Direction %(direction)s · se termine le %(end_date)s (dans %(days_left)s jours)"),
        )
        register(
            "roster.acknowledgement_requested",
            _("Prenez connaissance de la politique pour devenir utilisateur autorisé"),
            reminder=True,
            detail=_(
                "La DCAI ne peut confirmer votre désignation qu'après votre prise de connaissance de la "
                "version en vigueur de la politique."
            ),
        )
