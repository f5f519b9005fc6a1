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
            _("Urgent : renseignements d'usager possiblement exposés"),
            urgent=True,
        )
        register("incidents.information_requested", _("Information demandée sur votre déclaration"))
        register("incidents.information_provided", _("Le déclarant a répondu"))
        register("incidents.status_changed", _("Votre déclaration a progressé"))
        register("incidents.deadline_passed", _("Délai de traitement dépassé"))
        register("incidents.closed_by_manager", _("Incident fermé par un gestionnaire"))
        register("incidents.closed", _("Incident fermé"))
        register("incidents.shared", _("Un incident a été partagé avec vous"))
        register("incidents.unshared", _("Accès à un incident retiré"))
