"""The access log: every view of an incident and every download of its evidence, for DCAI's audit
(docs/rules.md). Written by the pages, read by DCAI only (incidents.selectors.access_log_of).

Each row is doubled by a row of the tamper-evident audit trail (portal.audit), which DCAI searches
across all incidents and which also covers the admin, the register and the exports.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest

from portal.audit.models import AuditRecord
from portal.audit.services import audit_record

from ..models import AccessLog, Evidence, Incident

AUDIT_KINDS = {
    AccessLog.Action.VIEW: AuditRecord.Kind.INCIDENT_VIEW,
    AccessLog.Action.DOWNLOAD: AuditRecord.Kind.EVIDENCE_DOWNLOAD,
}


def access_log_record(
    *,
    incident: Incident,
    user: AbstractBaseUser,
    action: str,
    evidence: Evidence | None = None,
    request: HttpRequest | None = None,
) -> AccessLog:
    """One row per page view or download; rows are only ever added."""
    if action not in AccessLog.Action.values:
        raise ValueError(f"unknown access-log action {action!r}")
    row = AccessLog.objects.create(incident=incident, evidence=evidence, user=user, action=action)
    audit_record(
        kind=AUDIT_KINDS[action],
        channel=AuditRecord.Channel.PAGE,
        request=request,
        actor=user,
        object_type="evidence" if evidence else "incident",
        object_id=evidence.pk if evidence else incident.pk,
        reference=incident.reference,
        incident_id=incident.pk,
    )
    return row
