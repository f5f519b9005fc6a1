from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


def retention_setting(app_configs=None, **kwargs) -> list[checks.Error]:
    """A retention shorter than the register's stops `manage.py check` and the server at startup."""
    from django.core.exceptions import ImproperlyConfigured

    from .retention import audit_retention_years

    try:
        audit_retention_years()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), hint="See README.md, Audit.", id="audit.E001")]
    return []


class AuditConfig(AppConfig):
    name = "portal.audit"
    label = "audit"
    verbose_name = _("Journal d'audit des consultations")

    def ready(self) -> None:
        checks.register(retention_setting)
