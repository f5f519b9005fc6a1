"""DCAI's audit page (docs/rules.md, "Audit"): search by person, incident, kind of access and dates;
CSV export, itself audited. Everyone else gets 404."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal.exports import export_response

from .forms import AuditFilterForm
from .models import AuditRecord
from .selectors import audit_visible_to, may_read_audit
from .services import audit_record

PAGE_SIZE = 50


def _filtered(request: HttpRequest):
    if not may_read_audit(request.user):
        raise Http404
    filters = AuditFilterForm(request.GET or None)
    return filters, filters.apply(audit_visible_to(request.user)).order_by("-id")


@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    filters, records = _filtered(request)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/list.html", {"filters": filters, "page_obj": page, "records": page.object_list})


@require_GET
def audit_export(request: HttpRequest) -> HttpResponse:
    filters, records = _filtered(request)
    audit_record(
        kind=AuditRecord.Kind.AUDIT_EXPORT,
        channel=AuditRecord.Channel.EXPORT,
        request=request,
        object_type="audit",
        detail={"filters": request.GET.urlencode()},
    )
    header = [_("N°"), _("Le"), _("Personne"), _("Accès"), _("Canal"), _("Objet"), _("Référence"), _("Adresse")]

    def rows():
        for r in records.iterator(chunk_size=2000):
            yield [
                r.pk,
                timezone.localtime(r.at),
                r.actor_label,
                r.get_kind_display(),
                r.get_channel_display(),
                f"{r.object_type} {r.object_id}".strip(),
                r.reference,
                r.client_ip or "",
            ]

    return export_response(
        "csv", f"journal-audit-{timezone.localdate().isoformat()}", header, rows(), separator=request.GET.get("sep")
    )
