"""Every read of a request, a consent or their files goes to the portal's audit trail (portal/audit,
docs/rules.md "Audit"): one place for the pages to call."""

from __future__ import annotations

from django.db import models
from django.http import HttpRequest

from portal.audit.models import AuditRecord
from portal.audit.services import audit_record


def read_record(*, request: HttpRequest, obj: models.Model, download: bool = False) -> AuditRecord:
    """One audit row per page view or download of this app's records or files."""
    kind = AuditRecord.Kind.PUBLISHING_DOWNLOAD if download else AuditRecord.Kind.PUBLISHING_VIEW
    return audit_record(
        kind=kind,
        channel=AuditRecord.Channel.PAGE,
        request=request,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        reference=getattr(obj, "reference", ""),
    )
