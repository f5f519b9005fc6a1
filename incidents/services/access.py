"""The access log: every view of an incident and every download of its evidence, for DCAI's audit
(docs/rules.md). Written by the pages, read by DCAI only (incidents.selectors.access_log_of)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from ..models import AccessLog, Evidence, Incident


def access_log_record(
    *, incident: Incident, user: AbstractBaseUser, action: str, evidence: Evidence | None = None
) -> AccessLog:
    """One row per page view or download; rows are only ever added."""
    if action not in AccessLog.Action.values:
        raise ValueError(f"unknown access-log action {action!r}")
    return AccessLog.objects.create(incident=incident, evidence=evidence, user=user, action=action)
