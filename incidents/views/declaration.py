"""The declarer's pages: declare, confirmation, "mes déclarations" (§7.7)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal.actions import attempt

from .. import evidence
from ..forms import STAFF_OPTIONS_ID, DeclarationForm, staff_choice_value
from ..selectors import (
    STAFF_SUGGESTIONS_MIN_LENGTH,
    declarations_of,
    get_own_declaration_for,
    staff_suggestions,
)
from ..services import incident_declare

PAGE_SIZE = 25


def declare(request):
    form = DeclarationForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            outcome = attempt(
                request, lambda: incident_declare(declarer=request.user, **form.service_kwargs()), form=form
            )
            if outcome.ok:
                return redirect("incidents:confirmation", pk=outcome.value.pk)
        if form.errors.get("evidence"):
            messages.error(
                request,
                _(
                    "Un ou plusieurs fichiers ont été refusés : le reste du formulaire est "
                    "conservé, joignez de nouveau vos preuves."
                ),
            )
    return render(
        request,
        "incidents/declare.html",
        {"form": form, "limits": evidence.limits(), "staff_options_id": STAFF_OPTIONS_ID},
        status=400 if form.errors else 200,
    )


@require_GET
def staff_search(request):
    """Suggestions for "Intervenant concerné" (htmx): name and direction of active staff only.

    The employee number is shown only to someone who typed it exactly. Rendered without the page's
    context processors so the fragment costs the one query of the selector.
    """
    text = request.GET.get("concerned_staff_name") or request.GET.get("q") or ""
    text = " ".join(text.split())
    suggestions = [
        {
            "value": staff_choice_value(profile),
            "name": profile.full_name,
            "direction": profile.direction.name,
            "employee_number": profile.employee_number if profile.exact == 0 else "",
        }
        for profile in staff_suggestions(text=text, exclude_user=request.user)
    ]
    html = render_to_string(
        "incidents/_staff_options.html",
        {
            "options_id": STAFF_OPTIONS_ID,
            "suggestions": suggestions,
            "searched": len(text) >= STAFF_SUGGESTIONS_MIN_LENGTH,
            "oob": True,
        },
    )
    response = HttpResponse(html)
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
