"""Consents for publication (§6.1): record, search, withdraw; publications that rely on them."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.actions import attempt
from portal.roles import roles_for
from portal.submissions import attempt_once

from .. import rules, selectors, services
from ..audit import read_record
from ..forms import (
    ConsentFilterForm,
    ConsentRecordForm,
    JournalLinkForm,
    PublicationForm,
    TakedownLinkForm,
    WithdrawForm,
)
from .common import PAGE_SIZE, stream_file


def _may_list(user) -> bool:
    return roles_for(user).is_dcai or bool(selectors.run_account_ids(user))


@require_GET
def consents(request: HttpRequest) -> HttpResponse:
    """§6.1: DCAI searches every consent by person; an authorized user sees those of their accounts."""
    if not _may_list(request.user):
        raise Http404
    form = ConsentFilterForm(request.GET, accounts=selectors.accounts_for_recording(request.user))
    queryset = selectors.filter_consents(selectors.consents_visible_to(request.user), form.filters)
    page = Paginator(selectors.consent_list_data(queryset), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "publishing/consent_list.html",
        {
            "filter_form": form,
            "page_obj": page,
            "consents": page.object_list,
            "expiring_ids": {c.pk for c in page.object_list if selectors.is_expiring(c)},
            "scope": "accounts",
        },
    )


@require_GET
def my_consents(request: HttpRequest) -> HttpResponse:
    """§6.1: a staff member sees the consents that concern them, and may withdraw them."""
    if roles_for(request.user).profile is None:
        raise Http404
    page = Paginator(selectors.consents_concerning(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "publishing/consent_list.html",
        {
            "page_obj": page,
            "consents": page.object_list,
            "expiring_ids": {c.pk for c in page.object_list if selectors.is_expiring(c)},
            "scope": "mine",
        },
    )


@require_http_methods(["GET", "POST"])
def consent_create(request: HttpRequest) -> HttpResponse:
    if not rules.may_record_consent(roles_for(request.user), selectors.run_account_ids(request.user)):
        raise Http404
    form = ConsentRecordForm(
        request.POST or None,
        request.FILES or None,
        accounts=selectors.accounts_for_recording(request.user),
        user=request.user,
        initial={"valid_from": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        outcome = attempt_once(
            request,
            lambda: services.consent_record(
                actor=request.user, data=form.to_data(), signed_form=form.cleaned_data["signed_form"]
            ),
            form=form,
            success=lambda c: _("Le consentement %(ref)s est enregistré.") % {"ref": c.reference},
            result_url=lambda c: c.get_absolute_url(),
        )
        if outcome.ok:
            return redirect(outcome.url)
    return render(request, "publishing/consent_form.html", {"form": form})


def detail_page(request: HttpRequest, consent, *, forms: dict | None = None, status: int = 200) -> HttpResponse:
    forms = forms or {}
    read_record(request=request, obj=consent)
    runs = selectors.run_account_ids(request.user)
    accounts = list(consent.accounts.order_by("platform", "handle"))
    is_dcai = roles_for(request.user).is_dcai
    publishing_accounts = [a for a in accounts if is_dcai or a.pk in runs]
    return render(
        request,
        "publishing/consent_detail.html",
        {
            "item": consent,
            "accounts": accounts,
            "events": selectors.consent_events(consent),
            "signed_forms": consent.forms.all(),
            "publications": consent.publications.select_related("account").order_by("-published_on"),
            "expiring": selectors.is_expiring(consent),
            "may_withdraw": selectors.may_withdraw_consent(request.user, consent),
            "withdraw_form": forms.get("withdraw") or WithdrawForm(initial={"withdrawn_on": timezone.localdate()}),
            "may_publish": bool(publishing_accounts) and consent.status == consent.Status.ACTIVE,
            "publication_form": forms.get("publication")
            or PublicationForm(accounts=consent.accounts.filter(pk__in=[a.pk for a in publishing_accounts])),
            "takedown_links": consent.takedown_links.select_related("takedown__incident"),
            "journal_links": consent.journal_links.select_related("entry"),
            "may_link": is_dcai,
            "takedown_form": forms.get("takedown") or TakedownLinkForm(),
            "journal_form": forms.get("journal") or JournalLinkForm(),
            "link_base": "publishing:consent",
        },
        status=status,
    )


@require_GET
def consent_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return detail_page(request, selectors.get_consent_for(request.user, pk))


@require_POST
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    consent = selectors.get_consent_for(request.user, pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return detail_page(request, consent, forms={"withdraw": form}, status=400)
    d = form.cleaned_data
    outcome = attempt(
        request,
        lambda: services.consent_withdraw(
            consent=consent, actor=request.user, withdrawn_on=d["withdrawn_on"], channel=d["channel"], note=d["note"]
        ),
        form=form,
        success=_("Le retrait est enregistré ; les utilisateurs autorisés des comptes visés sont avisés."),
    )
    if not outcome.ok:
        return detail_page(request, consent, forms={"withdraw": form}, status=400)
    return redirect(consent)


@require_POST
def consent_publication(request: HttpRequest, pk: int) -> HttpResponse:
    """§6.1 with §6.3: a publication of an account the person runs, relying on this consent."""
    consent = selectors.get_consent_for(request.user, pk)
    runs = selectors.run_account_ids(request.user)
    accounts = consent.accounts.all()
    if not roles_for(request.user).is_dcai:
        accounts = accounts.filter(pk__in=runs)
    if not accounts.exists():
        raise PermissionDenied
    form = PublicationForm(request.POST, accounts=accounts)
    if not form.is_valid():
        return detail_page(request, consent, forms={"publication": form}, status=400)
    d = form.cleaned_data
    outcome = attempt(
        request,
        lambda: services.publication_record(
            actor=request.user,
            account=d["account"],
            title=d["title"],
            url=d["url"],
            published_on=d["published_on"],
            consents=[consent],
        ),
        form=form,
        success=_("La publication est liée au consentement."),
    )
    if not outcome.ok:
        return detail_page(request, consent, forms={"publication": form}, status=400)
    return redirect(consent)


@require_GET
def consent_file(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    consent = selectors.get_consent_for(request.user, pk)
    return stream_file(request, get_object_or_404(consent.forms, pk=file_pk))


@require_GET
def publications(request: HttpRequest) -> HttpResponse:
    """§6.1: the publications of the accounts a person runs, each showing a withdrawn consent."""
    if not _may_list(request.user):
        raise Http404
    queryset = selectors.publications_with_consents(selectors.publications_visible_to(request.user))
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "publishing/publication_list.html", {"page_obj": page, "publications": page.object_list})
