from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "publishing"
    verbose_name = _("Autorisations et consentements")

    def ready(self) -> None:
        from portal.notifications.kinds import register

        # Titles and a reference only: never what would be disclosed nor who is shown (docs/rules.md).
        register("publishing.authorisation_submitted", _("Demande d'autorisation de divulgation à décider"))
        register("publishing.authorisation_answered", _("Le demandeur a répondu à votre question"))
        register("publishing.authorisation_question", _("Question sur votre demande d'autorisation"))
        register(
            "publishing.authorisation_authorised",
            _("Votre demande d'autorisation est acceptée"),
            detail=_("Autorisée jusqu'au %(valid_until)s"),
        )
        register("publishing.authorisation_refused", _("Votre demande d'autorisation est refusée"))
        # §6.2 with §7.6: the requester's manager learns of the decision, never of the content.
        register(
            "publishing.team_authorisation_authorised",
            _("Une demande d'autorisation de votre équipe est acceptée"),
            detail=_("Autorisée jusqu'au %(valid_until)s"),
        )
        register("publishing.team_authorisation_refused", _("Une demande d'autorisation de votre équipe est refusée"))
        register(
            "publishing.consent_withdrawn",
            _("Consentement retiré : cessez d'utiliser ce contenu"),
            urgent=True,
            detail=_("Retiré le %(withdrawn_on)s"),
        )
