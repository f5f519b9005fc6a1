"""System checks of the incidents app: `manage.py check`, `migrate` and the server refuse to start with a
retention period the rules forbid (incidents.retention.retention_periods)."""

from __future__ import annotations

from django.core.checks import Error
from django.core.exceptions import ImproperlyConfigured


def retention_settings(app_configs=None, **kwargs) -> list[Error]:
    from .retention import retention_periods

    try:
        retention_periods()
    except ImproperlyConfigured as error:
        return [Error(str(error), hint="See README.md, Configuration.", id="incidents.E001")]
    return []
