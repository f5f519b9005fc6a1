"""The declarer's pages: declare, confirmation, "mes déclarations" (§7.7)."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal.submissions import attempt_once

from .. import evidence
from ..forms import STAFF_OPTIONS_ID, DeclarationForm, staff_choice_value
from ..selectors import (
    declarations_of,
    get_own_declaration_for,
    staff_search_is_long_enough,
    staff_search_throttled,
    staff_suggestions,
)
from ..services import incident_declare

PAGE_SIZE = 25


def declare(request):
    form = DeclarationForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            # One incident per submitted form: a double click or a resent form shows the first confirmation.
            outcome = attempt_once(
                request,
                lambda: incident_declare(declarer=request.user, **form.service_kwargs()),
                form=form,
                result_url=lambda incident: reverse("incidents:confirmation", args=[incident.pk]),
            )
            if outcome.ok:
                return redirect(outcome.url)
        if form.errors.get("evidence"):
            # Said in the form's one summary of errors, beside the file field: never a second banner.
            form.add_error(
                "evidence",
                _("Le reste du formulaire est conservé : joignez de nouveau vos preuves."),
            )
    return render(
        request,
        "incidents/declare.html",
        {"form": form, "limits": evidence.limits(), "staff_options_id": STAFF_OPTIONS_ID},
        status=400 if form.errors else 200,
    )


@require_GET
def staff_search(request):
    """Suggestions for "Intervenant concerné" (htmx): name and direction of active staff only, never an
    employee number; at least three characters, ten suggestions, a per-person rate limit
    (incidents.selectors.staff). Rendered without the page's context processors so the fragment costs
    the one query of the selector.
    """
    text = " ".join((request.GET.get("concerned_staff_name") or request.GET.get("q") or "").split())
    searched = staff_search_is_long_enough(text)
    throttled = searched and staff_search_throttled(request)
    profiles = staff_suggestions(text=text, exclude_user=request.user) if searched and not throttled else []
    suggestions = [
        {"value": staff_choice_value(profile), "name": profile.full_name, "direction": profile.direction.name}
        for profile in profiles
    ]
    html = render_to_string(
        "incidents/_staff_options.html",
        {
            "options_id": STAFF_OPTIONS_ID,
            "suggestions": suggestions,
            "searched": searched,
            "throttled": throttled,
            "oob": True,
        },
    )
    # htmx leaves an error response unshown: it gets the explanation with 200, anything else a 429.
    status = 429 if throttled and not request.htmx else 200
    response = HttpResponse(html, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


def confirmation(request, pk: int):
    incident = get_own_declaration_for(request.user, pk)
    return render(request, "incidents/confirmation.html", {"incident": incident})


def mine(request):
    page = Paginator(declarations_of(request.user).select_related("direction"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "incidents/mine.html", {"page_obj": page, "incidents": page.object_list})
