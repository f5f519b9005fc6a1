"""The moderation journal's pages (annex 1; §6.3; docs/rules.md, "Moderation journal").

Authorized users see and write their accounts' journal; DCAI sees all, with counts by rule and account
and a CSV export (audited). Everyone else gets 404. Nothing here edits or deletes an entry.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from incidents.evidence import open_private
from portal.audit.models import AuditRecord
from portal.audit.services import audit_record
from portal.exports import export_response
from portal.submissions import attempt_once

from .forms import JournalEntryForm, JournalFilterForm
from .models import JournalEntry
from .netiquette import rules_in_force
from .selectors import (
    accounts_moderated_by,
    counts_by_rule_and_account,
    get_entry_for,
    journal_visible_to,
    may_use_journal,
    sees_every_account,
)
from .services import journal_entry_record

PAGE_SIZE = 25


def _require_journal(request: HttpRequest) -> None:
    if not may_use_journal(request.user):
        raise Http404


def _filtered(request: HttpRequest):
    accounts = accounts_moderated_by(request.user)
    filters = JournalFilterForm(request.GET or None, accounts=accounts)
    entries = filters.apply(journal_visible_to(request.user))
    return filters, entries.select_related("account", "recorded_by", "corrects").order_by("-recorded_at", "-id")


@require_GET
def journal(request: HttpRequest) -> HttpResponse:
    _require_journal(request)
    filters, entries = _filtered(request)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    everything = sees_every_account(request.user)
    return render(
        request,
        "moderation/journal.html",
        {
            "filters": filters,
            "page_obj": page,
            "entries": page.object_list,
            "sees_all": everything,
            "counts": counts_by_rule_and_account(entries) if everything else None,
            "query": request.GET.urlencode(),
        },
    )


@require_http_methods(["GET", "POST"])
def entry_create(request: HttpRequest) -> HttpResponse:
    _require_journal(request)
    accounts = accounts_moderated_by(request.user)
    version, rules = rules_in_force()
    corrects = None
    if request.GET.get("corrige"):
        corrects = get_entry_for(request.user, _int_or_404(request.GET["corrige"]))
    initial = {"account": corrects.account_id, "rule_number": corrects.rule_number} if corrects else {}
    form = JournalEntryForm(
        request.POST or None, request.FILES or None, accounts=accounts, rules=rules, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcome = attempt_once(
            request,
            lambda: journal_entry_record(
                actor=request.user,
                account=data["account"],
                action=data["action"],
                moderated_on=data["moderated_on"],
                rule_number=data["rule_number"],
                screenshot=data["screenshot"],
                note=data["note"],
                corrects=corrects,
            ),
            form=form,
            success=lambda entry: _("Inscription %(ref)s ajoutée au journal de modération.") % {"ref": entry.reference},
            result_url=lambda entry: entry.get_absolute_url(),
        )
        if outcome.ok:
            return redirect(outcome.url)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "moderation/form.html",
        {"form": form, "version": version, "rules": rules, "corrects": corrects},
        status=status,
    )


def _int_or_404(value: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


@require_GET
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_journal(request)
    entry = get_entry_for(request.user, pk)
    corrections = journal_visible_to(request.user).filter(corrects=entry).order_by("recorded_at")
    return render(request, "moderation/detail.html", {"entry": entry, "corrections": corrections})


@require_GET
def entry_screenshot(request: HttpRequest, pk: int) -> HttpResponse:
    _require_journal(request)
    entry = get_entry_for(request.user, pk)
    try:
        handle = open_private(entry.screenshot_name)
    except (OSError, ValueError):
        raise Http404 from None
    audit_record(
        kind=AuditRecord.Kind.MODERATION_VIEW,
        channel=AuditRecord.Channel.PAGE,
        request=request,
        object_type="journal_entry",
        object_id=entry.pk,
        reference=entry.reference,
    )
    response = FileResponse(
        handle, as_attachment=True, filename=entry.screenshot_original_name, content_type=entry.screenshot_type
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


EXPORT_HEADER = [
    "Inscription",
    "Compte",
    "Plateforme",
    "Action",
    "Date",
    "Règle",
    "Texte de la règle",
    "Version",
    "Corrige",
    "Note",
    "Inscrite par",
    "Inscrite le",
]


@require_GET
def journal_export(request: HttpRequest) -> HttpResponse:
    """DCAI's CSV export of the journal (or of one account); itself audited."""
    _require_journal(request)
    if not sees_every_account(request.user):
        raise Http404
    _filters, entries = _filtered(request)
    audit_record(
        kind=AuditRecord.Kind.MODERATION_VIEW,
        channel=AuditRecord.Channel.EXPORT,
        request=request,
        object_type="journal",
        detail={"filters": request.GET.urlencode()},
    )

    def rows():
        for entry in entries.select_related("policy_version").iterator(chunk_size=1000):
            yield [
                entry.reference,
                entry.account.handle,
                entry.platform,
                entry.get_action_display(),
                entry.moderated_on,
                entry.rule_number,
                entry.rule_text,
                str(entry.policy_version),
                entry.corrects.reference if entry.corrects_id else "",
                entry.note,
                entry.recorded_by.get_full_name() or entry.recorded_by.get_username(),
                entry.recorded_at,
            ]

    filename = f"journal-moderation-{timezone.localdate().isoformat()}"
    return export_response("csv", filename, [_(h) for h in EXPORT_HEADER], rows(), separator=request.GET.get("sep"))


__all__ = ["entry_create", "entry_detail", "entry_screenshot", "journal", "journal_export", "JournalEntry"]
