"""Reads in the admin are audited like reads on the pages (docs/rules.md, "Audit"): a superuser who opens
an incident, its evidence or a register entry in the admin leaves one row."""

from __future__ import annotations

from .models import AuditRecord
from .services import audit_record


class AuditedReadMixin:
    """For a ModelAdmin: one audit row each time an object's page is shown.

    `audit_kind` names the access; `audit_incident(obj)` returns the incident the object belongs to
    (or None), so DCAI finds the row when searching by incident.
    """

    audit_kind: str = AuditRecord.Kind.INCIDENT_VIEW

    def audit_incident(self, obj):
        return getattr(obj, "incident", None)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and request.method == "GET":
            incident = self.audit_incident(obj)
            audit_record(
                kind=self.audit_kind,
                channel=AuditRecord.Channel.ADMIN,
                request=request,
                object_type=obj._meta.model_name,
                object_id=obj.pk,
                reference=getattr(incident, "reference", "") or str(obj.pk),
                incident_id=getattr(incident, "pk", None),
            )
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)
