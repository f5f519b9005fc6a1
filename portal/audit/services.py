"""Writing the audit trail (docs/rules.md, "Audit"). The only writer of `AuditRecord`.

`audit_record` is called by every path that shows sensitive data: pages, the admin, exports, the API.
It takes the request when there is one (who, from where, which request). For the anonymous intake path,
pass `anonymous=True`: the row then keeps neither the person, nor the address, nor the request id, only
what was accessed (docs/rules.md).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django.utils import timezone

from portal.clientip import client_ip
from portal.requestlog import current_request_id

from .models import AuditRecord


def _label(user: AbstractBaseUser | None) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return (full or user.get_username())[:200]


def audit_record(
    *,
    kind: str,
    channel: str,
    request: HttpRequest | None = None,
    actor: AbstractBaseUser | None = None,
    object_type: str = "",
    object_id: Any = "",
    reference: str = "",
    incident_id: int | None = None,
    detail: dict | None = None,
    anonymous: bool = False,
) -> AuditRecord:
    """Add one row, unsealed. `anonymous=True` keeps no identity (no person, address, request)."""
    if kind not in AuditRecord.Kind.values or channel not in AuditRecord.Channel.values:
        raise ValueError(f"unknown audit kind or channel {kind!r}/{channel!r}")
    if actor is None and request is not None and not anonymous:
        actor = request.user if request.user.is_authenticated else None
    if anonymous:
        actor, ip, request_id = None, None, ""
    else:
        ip = client_ip(request) if request is not None else None
        request_id = current_request_id() or ""
    # One INSERT, no lock: the row is sealed into the hash chain later (portal.audit.chain.seal_pending).
    # It runs in the caller's transaction, so a read is never served without its row.
    return AuditRecord.objects.create(
        at=timezone.now(),
        actor=actor,
        actor_label=_label(actor),
        kind=kind,
        channel=channel,
        object_type=object_type,
        object_id=str(object_id)[:40],
        reference=str(reference)[:60],
        incident_id=incident_id,
        client_ip=ip,
        request_id=request_id[:64] if request_id != "-" else "",
        detail=detail or {},
    )


def audit_staff_export(request: HttpRequest, *, what: str, fmt: str) -> AuditRecord:
    """One row for an export of staff data (campaign completion, roster): who, what, which filters."""
    return audit_record(
        kind=AuditRecord.Kind.STAFF_EXPORT,
        channel=AuditRecord.Channel.EXPORT,
        request=request,
        object_type=what,
        detail={"format": fmt, "filters": request.GET.urlencode()},
    )
