"""Links from takedowns and moderation-journal entries (§7.3), and DCAI's counts."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from incidents.models import Takedown
from moderation.models import JournalEntry
from portal.actions import attempt
from portal.roles import roles_for

from .. import selectors, services
from ..forms import JournalLinkForm, TakedownLinkForm
from .authorisations import detail_page as authorisation_page
from .consents import detail_page as consent_page


def _subject(request: HttpRequest, kind: str, pk: int):
    if kind == "consent":
        return selectors.get_consent_for(request.user, pk), consent_page
    return selectors.get_authorisation_for(request.user, pk), authorisation_page


def _find_takedown(reference: str) -> Takedown:
    takedown = (
        Takedown.objects.filter(incident__reference__iexact=reference.strip()).order_by("-requested_at", "-id").first()
    )
    if takedown is None:
        raise ValidationError({"incident_reference": _("Aucune demande de retrait pour cet incident.")})
    return takedown


def _find_entry(reference: str) -> JournalEntry:
    digits = reference.strip().upper().removeprefix("MOD-")
    entry = JournalEntry.objects.filter(pk=int(digits)).first() if digits.isdigit() else None
    if entry is None:
        raise ValidationError({"entry_reference": _("Aucune inscription au journal ne porte cette référence.")})
    return entry


def _link(request, kind, pk, *, form_class, form_key, field, find, service):
    subject, detail = _subject(request, kind, pk)
    if not roles_for(request.user).is_dcai:
        raise Http404
    form = form_class(request.POST)
    if not form.is_valid():
        return detail(request, subject, forms={form_key: form}, status=400)
    target = {"consent": subject} if kind == "consent" else {"authorisation": subject}
    outcome = attempt(
        request,
        lambda: service(actor=request.user, found=find(form.cleaned_data[field]), **target),
        form=form,
        success=_("Le lien est enregistré."),
    )
    if not outcome.ok:
        return detail(request, subject, forms={form_key: form}, status=400)
    return redirect(subject)


@require_POST
def link_takedown(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    return _link(
        request,
        kind,
        pk,
        form_class=TakedownLinkForm,
        form_key="takedown",
        field="incident_reference",
        find=_find_takedown,
        service=lambda found, **kw: services.takedown_link(takedown=found, **kw),
    )


@require_POST
def link_journal_entry(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    return _link(
        request,
        kind,
        pk,
        form_class=JournalLinkForm,
        form_key="journal",
        field="entry_reference",
        find=_find_entry,
        service=lambda found, **kw: services.journal_link(entry=found, **kw),
    )


@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    """§7.3: DCAI (and the general direction, §7.2) count requests, decisions and withdrawals."""
    if not selectors.may_see_statistics(request.user):
        raise Http404
    today = timezone.localdate()
    try:
        year = int(request.GET.get("annee", today.year))
    except ValueError:
        year = today.year
    if not 2000 <= year <= today.year:
        year = today.year
    counts = selectors.publishing_counts(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    return render(
        request,
        "publishing/statistics.html",
        {"counts": counts, "year": year, "years": range(today.year, today.year - 5, -1)},
    )
