from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("Incidents")

    def ready(self) -> None:
        from django.core import checks

        from portal.notifications.kinds import register

        from .checks import retention_settings

        checks.register(retention_settings)

        register("incidents.declared", _("Déclaration reçue"))
        register("incidents.routed", _("Incident à traiter"))
        register(
            "incidents.urgent_patient_info",
            # The urgent flag adds "[URGENT]" to the subject and a badge on the page: the title does not repeat it.
            _("Renseignements d'usager possiblement exposés"),
            urgent=True,
        )
        register("incidents.information_requested", _("Information demandée sur votre déclaration"))
        register("incidents.information_provided", _("Le déclarant a répondu"))
        # Rows written before the declarer was told each stage by name keep their title.
        register("incidents.status_changed", _("Votre déclaration a progressé"))
        # The declarer is told each stage that matters to them, by name (incidents.services._common).
        register("incidents.declaration_taken", _("Votre déclaration est prise en charge"))
        register("incidents.declaration_to_direction", _("Votre déclaration a été transmise à la direction"))
        register("incidents.declaration_to_dcai", _("Votre déclaration a été transmise à la DCAI"))
        register("incidents.declaration_closed", _("Votre déclaration est fermée"))
        register("incidents.declaration_reopened", _("Votre déclaration est rouverte par la DCAI"))
        register("incidents.deadline_passed", _("Délai de traitement dépassé"))
        register("incidents.closed_by_manager", _("Incident fermé par un gestionnaire"))
        register("incidents.closed", _("Incident fermé"))
        register("incidents.reopened", _("Incident rouvert par la DCAI"))
        register(
            "incidents.register_notice_due",
            _("Registre : avis à transmettre (risque de préjudice sérieux)"),
            reminder=True,
            detail=_("Inscription %(entry)s · rappel n° %(number)s"),
        )
        register("incidents.shared", _("Un incident a été partagé avec vous"))
        register("incidents.unshared", _("Accès à un incident retiré"))
