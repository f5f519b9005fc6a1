"""The confidentiality-incident register: DCAI's pages (§7.3). Everyone else gets 404, never 403:
the register's existence and content are not revealed.

List (filters, pagination), entry form (create from the incident page, edit), entry page with its
history, CSV/XLSX export of the eight items, and the printable copy for the Commission d'accès à
l'information, which holds the register items only (no declarer, no incident content).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.actions import attempt
from portal.audit.models import AuditRecord
from portal.audit.services import audit_record
from portal.exports import export_response
from portal.submissions import attempt_once

from ..forms.register import ITEMS, RegisterEntryForm, RegisterFilterForm
from ..models import RegisterEntry
from ..selectors import (
    get_incident_for,
    get_register_entry_for,
    may_keep_register,
    register_entries_visible_to,
    register_entry_of,
    register_history,
)
from ..services.register import register_entry_create, register_entry_update, register_initial

PAGE_SIZE = 25
MAX_SELECTED = 500
EXPORT_FORMATS = ("csv", "xlsx")


def _require_register(request: HttpRequest) -> None:
    if not may_keep_register(request.user):
        raise Http404


def _filtered(request: HttpRequest):
    visible = register_entries_visible_to(request.user)
    years = [d.year for d in visible.order_by().dates("learned_start", "year", order="DESC")]
    filters = RegisterFilterForm(request.GET or None, years=years)
    return filters, filters.apply(visible).select_related("incident").order_by("-learned_start", "-id")


@require_GET
def register_list(request: HttpRequest) -> HttpResponse:
    _require_register(request)
    filters, entries = _filtered(request)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "incidents/register/list.html",
        {
            "filters": filters,
            "page_obj": page,
            "entries": page.object_list,
            "query": request.GET.urlencode(),
            "formats": EXPORT_FORMATS,
        },
    )


def _form_page(request, form, *, incident, entry=None, status=200) -> HttpResponse:
    # The form's summary of errors is the one banner (includes/form_error_summary.html).
    return render(
        request,
        "incidents/register/form.html",
        {"form": form, "incident": incident, "entry": entry, "items": form.items()},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def register_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Create from the incident page (§7.3: DCAI, at any level; any incident DCAI can see)."""
    _require_register(request)
    incident = get_incident_for(request.user, pk)
    existing = register_entry_of(incident)
    if existing is not None:
        return redirect(existing)
    if request.method != "POST":
        form = RegisterEntryForm(initial=register_initial(incident))
        return _form_page(request, form, incident=incident)
    form = RegisterEntryForm(request.POST, instance=RegisterEntry(incident=incident))
    if form.is_valid():
        outcome = attempt_once(
            request,
            lambda: register_entry_create(incident=incident, actor=request.user, values=form.values()),
            form=form,
            success=lambda entry: _("L'incident est inscrit au registre (%(ref)s).") % {"ref": entry.reference},
            result_url=lambda entry: entry.get_absolute_url(),
        )
        if outcome.ok:
            return redirect(outcome.url)
    return _form_page(request, form, incident=incident, status=400)


@require_http_methods(["GET", "POST"])
def register_edit(request: HttpRequest, entry_pk: int) -> HttpResponse:
    _require_register(request)
    entry = get_register_entry_for(request.user, entry_pk)
    if request.method != "POST":
        return _form_page(request, RegisterEntryForm(instance=entry), incident=entry.incident, entry=entry)
    form = RegisterEntryForm(request.POST, instance=entry)
    if form.is_valid():
        outcome = attempt(
            request,
            lambda: register_entry_update(entry=entry, actor=request.user, values=form.values()),
            form=form,
            success=_("L'inscription %(ref)s est à jour.") % {"ref": entry.reference},
        )
        if outcome.ok:
            return redirect(entry)
    return _form_page(request, form, incident=entry.incident, entry=entry, status=400)


def _shown(entry: RegisterEntry, name: str):
    value = getattr(entry, name)
    if RegisterEntry._meta.get_field(name).choices:
        return getattr(entry, f"get_{name}_display")()
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    return value


def _item_rows(entry: RegisterEntry) -> list[tuple[str, str, list[tuple[str, object]]]]:
    """Each item with its (label, shown value) pairs, for the entry and Commission pages."""
    rows = []
    for number, title, fields in ITEMS:
        values = [
            (RegisterEntry._meta.get_field(name).verbose_name, _shown(entry, name))
            for name in fields
            if getattr(entry, name) not in (None, "")
        ]
        rows.append((number, title, values))
    return rows


@require_GET
def register_detail(request: HttpRequest, entry_pk: int) -> HttpResponse:
    _require_register(request)
    entry = get_register_entry_for(request.user, entry_pk)
    _audit(request, AuditRecord.Kind.REGISTER_VIEW, AuditRecord.Channel.PAGE, entry=entry)
    return render(
        request,
        "incidents/register/detail.html",
        {"entry": entry, "items": _item_rows(entry), "history": register_history(entry)},
    )


# --- Export and the Commission's copy ------------------------------------------------------------


def _audit(request: HttpRequest, kind: str, channel: str, *, entry: RegisterEntry | None = None, **detail) -> None:
    """Every read of the register leaves one audit row (docs/rules.md, "Audit")."""
    audit_record(
        kind=kind,
        channel=channel,
        request=request,
        object_type="register_entry" if entry else "register",
        object_id=entry.pk if entry else "",
        reference=entry.reference if entry else "",
        incident_id=entry.incident_id if entry else None,
        detail=detail,
    )


def export_header() -> list[str]:
    """All eight items as columns, each named by its item number and its field."""
    header = [_("Inscription"), _("Incident")]
    for number, _title, fields in ITEMS:
        for name in fields:
            label = str(RegisterEntry._meta.get_field(name).verbose_name)
            header.append(f"{number}. {label}" if number else label)
    return [*header, _("Conserver jusqu'au"), _("Inscrit le"), _("Modifié le")]


def export_row(entry: RegisterEntry) -> list:
    row: list = [entry.reference, entry.incident.reference]
    row += [_shown(entry, name) for _number, _title, fields in ITEMS for name in fields]
    return [*row, entry.keep_until, entry.created_at, entry.updated_at]


@require_GET
def register_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _require_register(request)
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _filters, entries = _filtered(request)

    def rows():
        for entry in entries.iterator(chunk_size=1000):
            yield export_row(entry)

    filename = f"registre-incidents-confidentialite-{timezone.localdate().isoformat()}"
    _audit(
        request,
        AuditRecord.Kind.REGISTER_EXPORT,
        AuditRecord.Channel.EXPORT,
        format=fmt,
        filters=request.GET.urlencode(),
    )
    return export_response(fmt, filename, export_header(), rows(), separator=request.GET.get("sep"))


def _selected_ids(request: HttpRequest) -> list[int] | None:
    raw = request.GET.getlist("entree")
    if not raw:
        return None
    ids = []
    for value in raw[:MAX_SELECTED]:
        try:
            ids.append(int(value))
        except ValueError:
            raise Http404 from None
    return ids


def _commission_page(request: HttpRequest, entries: list[RegisterEntry]) -> HttpResponse:
    _audit(
        request,
        AuditRecord.Kind.COMMISSION_COPY,
        AuditRecord.Channel.EXPORT,
        entry=entries[0] if len(entries) == 1 else None,
        entries=[entry.reference for entry in entries],
    )
    return render(
        request,
        "incidents/register/commission.html",
        {
            "entries": [(entry, _item_rows(entry)) for entry in entries],
            "produced_on": timezone.localdate(),
        },
    )


@require_GET
def register_commission(request: HttpRequest) -> HttpResponse:
    """The copy of the register produced for the Commission on request: the selected entries (or the
    filtered register), items 1 to 8 only."""
    _require_register(request)
    _filters, entries = _filtered(request)
    ids = _selected_ids(request)
    if ids is not None:
        entries = entries.filter(pk__in=ids)
    return _commission_page(request, list(entries[:MAX_SELECTED]))


@require_GET
def register_commission_one(request: HttpRequest, entry_pk: int) -> HttpResponse:
    _require_register(request)
    return _commission_page(request, [get_register_entry_for(request.user, entry_pk)])


__all__ = [
    "register_commission",
    "register_commission_one",
    "register_create",
    "register_detail",
    "register_edit",
    "register_export",
    "register_list",
]
