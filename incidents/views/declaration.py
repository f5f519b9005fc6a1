"""The declarer's pages: declare, confirmation, "mes déclarations" (§7.7)."""

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.people.views import suggestions
from portal.submissions import attempt_once

from .. import evidence
from ..forms import STAFF_OPTIONS_ID, DeclarationForm
from ..forms.declaration import CONCERNED_SCOPE
from ..selectors import declarations_of, get_own_declaration_for
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
        {"form": form, "limits": evidence.limits()},
        status=400 if form.errors else 200,
    )


def staff_search(request):
    """Suggestions for "Intervenant concerné" (htmx): the portal's one suggestion endpoint
    (portal.people.views.suggestions) for the declaration's picker, at the address its form has always used.
    """
    return suggestions(request, scope_name=CONCERNED_SCOPE, field="concerned_staff_name", options_id=STAFF_OPTIONS_ID)


def confirmation(request, pk: int):
    incident = get_own_declaration_for(request.user, pk)
    return render(request, "incidents/confirmation.html", {"incident": incident})


def mine(request):
    page = Paginator(declarations_of(request.user).select_related("direction"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "incidents/mine.html", {"page_obj": page, "incidents": page.object_list})
