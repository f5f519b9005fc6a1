"""Notification kinds of campaigns. Rows are written with portal.notifications' notify_people (in bulk)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from portal.notifications.kinds import register

KIND_REQUEST = "campaigns.request"
KIND_REMINDER = "campaigns.reminder"
KIND_TEAM_OVERDUE = "campaigns.team_overdue"
KIND_LAUNCHED = "campaigns.launched"
KIND_NEW_VERSION_PREPARED = "campaigns.new_version_prepared"
KIND_NEW_VERSION_LAUNCHED = "campaigns.new_version_launched"


def register_kinds() -> None:
    register(
        KIND_REQUEST,
        _("Prise de connaissance de la politique demandée"),
        detail=_("Lisez la politique et confirmez-en la prise de connaissance avant le %(due_on)s."),
    )
    # Reminders may be grouped in the daily digest of people who chose it.
    register(
        KIND_REMINDER,
        _("Rappel : prise de connaissance à confirmer"),
        reminder=True,
        detail=_("Échéance : %(due_on)s."),
    )
    register(
        KIND_TEAM_OVERDUE,
        _("Prises de connaissance en retard dans votre équipe"),
        detail=_("%(count)s membre(s) de votre équipe n'ont pas confirmé à l'échéance du %(due_on)s."),
    )
    register(
        KIND_NEW_VERSION_PREPARED,
        _("Nouvelle version en vigueur : campagne de prise de connaissance à lancer"),
        detail=_(
            "La version %(version)s est en vigueur. Une campagne est prête pour les %(count)s personne(s) qui "
            "avaient confirmé la version précédente (échéance proposée : %(due_on)s) : vérifiez-la et lancez-la."
        ),
    )
    register(
        KIND_NEW_VERSION_LAUNCHED,
        _("Nouvelle version en vigueur : campagne de prise de connaissance lancée"),
        detail=_(
            "La version %(version)s est en vigueur. La campagne pour les %(count)s personne(s) qui avaient "
            "confirmé la version précédente est lancée (échéance : %(due_on)s)."
        ),
    )
    register(
        KIND_LAUNCHED,
        _("Campagne de prise de connaissance lancée"),
        detail=_("%(count)s demande(s) créée(s)."),
    )
