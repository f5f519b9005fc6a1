"""DCAI's pages for personal-data requests and exports (Quebec privacy law; docs/rules.md). Everyone else
gets 404."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.actions import attempt
from portal.audit.models import AuditRecord
from portal.audit.services import audit_record
from portal.models import StaffProfile

from .forms import AnswerForm, PersonSearchForm, RequestForm
from .models import PersonalDataRequest
from .services import may_handle_requests, personal_data_sections, request_answer, request_record


def _require(request: HttpRequest) -> None:
    if not may_handle_requests(request.user):
        raise Http404


def _profile_or_404(pk: int) -> StaffProfile:
    profile = StaffProfile.objects.select_related("user", "direction", "manager__user").filter(pk=pk).first()
    if profile is None:
        raise Http404
    return profile


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    _require(request)
    search = PersonSearchForm(request.GET or None)
    if search.is_valid():
        profile = StaffProfile.objects.filter(employee_number=search.cleaned_data["matricule"].strip()).first()
        if profile is not None:
            return redirect("privacy:person", profile.pk)
        search.add_error("matricule", _("Aucune personne n'a ce matricule."))
    pending = PersonalDataRequest.objects.filter(answered_on=None).select_related("profile__user").order_by("due_on")
    return render(
        request,
        "privacy/index.html",
        {"search": search, "pending": pending[:100], "today": timezone.localdate()},
    )


@require_http_methods(["GET", "POST"])
def person(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    profile = _profile_or_404(pk)
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = attempt(
            request,
            lambda: request_record(actor=request.user, profile=profile, **form.cleaned_data),
            form=form,
            success=_("La demande est consignée ; la réponse est due dans 30 jours."),
        )
        if outcome.ok:
            return redirect("privacy:person", profile.pk)
    requests = PersonalDataRequest.objects.filter(profile=profile).order_by("-received_on", "-id")
    return render(
        request,
        "privacy/person.html",
        {
            "profile": profile,
            "form": form,
            # One answer form per open request, each with its own field ids.
            "requests": [
                (
                    item,
                    None
                    if item.answered_on
                    else AnswerForm(prefix=f"r{item.pk}", initial={"answered_on": timezone.localdate()}),
                )
                for item in requests
            ],
            "today": timezone.localdate(),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    item = PersonalDataRequest.objects.filter(pk=pk).first()
    if item is None:
        raise Http404
    form = AnswerForm(request.POST, prefix=f"r{item.pk}")
    if form.is_valid():
        attempt(
            request,
            lambda: request_answer(actor=request.user, request=item, **form.cleaned_data),
            success=_("La réponse est consignée."),
        )
    else:
        messages.error(request, _("Indiquez la date et la réponse donnée."))
    return redirect("privacy:person", item.profile_id)


@require_GET
def export(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything the portal holds about one person, as JSON; audited."""
    _require(request)
    profile = _profile_or_404(pk)
    audit_record(
        kind=AuditRecord.Kind.PERSONAL_DATA_EXPORT,
        channel=AuditRecord.Channel.EXPORT,
        request=request,
        object_type="staff_profile",
        object_id=profile.pk,
        reference=profile.employee_number,
    )
    body = {
        "person": profile.employee_number,
        "produced_at": timezone.now(),
        "sections": [
            {"title": str(s["title"]), "columns": [str(h) for h in s["header"]], "rows": s["rows"]}
            for s in personal_data_sections(profile)
        ],
    }
    response = HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2), content_type="application/json"
    )
    filename = f"renseignements-personnels-{profile.employee_number}-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
