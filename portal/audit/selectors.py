"""Reading the audit trail: DCAI only (§7.3; docs/rules.md, "Audit"); everyone else gets 404."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from portal.roles import roles_for

from .models import AuditRecord


def may_read_audit(user: AbstractBaseUser) -> bool:
    return user.is_authenticated and roles_for(user).is_dcai


def audit_visible_to(user: AbstractBaseUser) -> QuerySet[AuditRecord]:
    if not may_read_audit(user):
        return AuditRecord.objects.none()
    return AuditRecord.objects.all()


def template_flags(user: AbstractBaseUser) -> dict[str, bool]:
    """Named flags for templates (settings.PORTAL_TEMPLATE_FLAGS): DCAI's compliance menu (§7.3)."""
    return {"compliance_menu": may_read_audit(user)}
