"""Disclosure authorisation requests (§6.2): ask, follow, decide."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.actions import attempt
from portal.roles import roles_for
from portal.submissions import attempt_once

from .. import rules, selectors, services
from ..audit import read_record
from ..forms import (
    AnswerForm,
    AuthorisationFilterForm,
    AuthorisationForm,
    AuthoriseForm,
    JournalLinkForm,
    QuestionForm,
    RefuseForm,
    TakedownLinkForm,
)
from .common import PAGE_SIZE, stream_file


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    roles = roles_for(request.user)
    if rules.decider_role(roles):
        return redirect("publishing:authorisations")
    if roles.is_staff_member:
        return redirect("publishing:my_authorisations")
    raise Http404


@require_GET
def authorisations_to_decide(request: HttpRequest) -> HttpResponse:
    """§6.2: DCAI and the general direction see every request, with filters."""
    if not rules.decider_role(roles_for(request.user)):
        raise Http404
    form = AuthorisationFilterForm(request.GET)
    queryset = selectors.filter_authorisations(selectors.authorisations_visible_to(request.user), form.filters)
    page = Paginator(selectors.with_list_data(queryset), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "publishing/authorisation_list.html",
        {"filter_form": form, "page_obj": page, "requests": page.object_list, "scope": "deciders"},
    )


@require_GET
def my_authorisations(request: HttpRequest) -> HttpResponse:
    if not roles_for(request.user).is_staff_member:
        raise Http404
    page = Paginator(selectors.own_authorisations(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "publishing/authorisation_list.html", {"page_obj": page, "requests": page.object_list, "scope": "mine"}
    )


@require_http_methods(["GET", "POST"])
def authorisation_create(request: HttpRequest) -> HttpResponse:
    """§6.2: any staff member asks; "remplace" names the earlier request a change replaces."""
    if not rules.may_request(roles_for(request.user)):
        raise Http404
    replaces = None
    replaces_pk = request.GET.get("remplace", "")
    if replaces_pk:
        if not replaces_pk.isdigit():
            raise Http404
        replaces = selectors.get_authorisation_for(request.user, int(replaces_pk))
        if "replace" not in selectors.authorisation_actions_for(request.user, replaces):
            raise Http404
    initial = {}
    if replaces is not None:
        initial = {f: getattr(replaces, f) for f in ("subject", "medium", "audience", "purpose", "draft_text")}
    form = AuthorisationForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        outcome = attempt_once(
            request,
            lambda: services.authorisation_request(
                requester=request.user, data=form.to_data(), files=form.cleaned_data["attachments"], replaces=replaces
            ),
            form=form,
            success=lambda r: _("Votre demande %(ref)s est transmise pour décision.") % {"ref": r.reference},
            result_url=lambda r: r.get_absolute_url(),
        )
        if outcome.ok:
            return redirect(outcome.url)
    return render(request, "publishing/authorisation_form.html", {"form": form, "replaces": replaces})


def detail_page(request: HttpRequest, item, *, forms: dict | None = None, status: int = 200) -> HttpResponse:
    forms = forms or {}
    read_record(request=request, obj=item)
    actions = selectors.authorisation_actions_for(request.user, item)
    is_dcai = roles_for(request.user).is_dcai
    return render(
        request,
        "publishing/authorisation_detail.html",
        {
            "item": item,
            "events": item.events.select_related("actor"),
            "attachments": item.attachments.all(),
            "replaced_by": item.replaced_by.order_by("id"),
            "takedown_links": item.takedown_links.select_related("takedown__incident"),
            "journal_links": item.journal_links.select_related("entry"),
            "actions": actions,
            "question_form": forms.get("ask") or QuestionForm(),
            "answer_form": forms.get("answer") or AnswerForm(),
            "authorise_form": forms.get("authorise") or AuthoriseForm(initial={"valid_until": item.wanted_until}),
            "refuse_form": forms.get("refuse") or RefuseForm(),
            "may_link": is_dcai,
            "takedown_form": forms.get("takedown") or TakedownLinkForm(),
            "journal_form": forms.get("journal") or JournalLinkForm(),
            "link_base": "publishing:authorisation",
        },
        status=status,
    )


@require_GET
def authorisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return detail_page(request, selectors.get_authorisation_for(request.user, pk))


ACTS = {
    "ask": (
        QuestionForm,
        lambda item, user, d: services.authorisation_ask(request=item, actor=user, question=d["question"]),
        _("Votre question est transmise au demandeur."),
    ),
    "answer": (
        AnswerForm,
        lambda item, user, d: services.authorisation_answer(request=item, actor=user, answer=d["answer"]),
        _("Votre réponse est transmise."),
    ),
    "authorise": (
        AuthoriseForm,
        lambda item, user, d: services.authorisation_authorise(
            request=item, actor=user, valid_until=d["valid_until"], conditions=d["conditions"]
        ),
        _("La divulgation est autorisée ; le demandeur est informé."),
    ),
    "refuse": (
        RefuseForm,
        lambda item, user, d: services.authorisation_refuse(request=item, actor=user, reason=d["refusal_reason"]),
        _("La demande est refusée ; le demandeur est informé."),
    ),
}


@require_POST
def authorisation_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    item = selectors.get_authorisation_for(request.user, pk)
    if action not in ACTS:
        raise Http404
    form_class, run, success = ACTS[action]
    form = form_class(request.POST)
    if not form.is_valid():
        return detail_page(request, item, forms={action: form}, status=400)
    outcome = attempt(request, lambda: run(item, request.user, form.cleaned_data), form=form, success=str(success))
    if not outcome.ok:
        return detail_page(request, item, forms={action: form}, status=400)
    return redirect(item)


@require_GET
def authorisation_file(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    item = selectors.get_authorisation_for(request.user, pk)
    return stream_file(request, get_object_or_404(item.attachments, pk=file_pk))
