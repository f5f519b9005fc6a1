"""The declarer's pages: declare, confirmation, "mes déclarations" (§7.7)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import evidence
from ..forms import DeclarationForm
from ..selectors import declarations_of, get_incident_for
from ..services import IncidentActionError, incident_declare

PAGE_SIZE = 25


def declare(request):
    form = DeclarationForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            try:
                incident = incident_declare(declarer=request.user, **form.service_kwargs())
            except IncidentActionError as error:
                form.add_error(None, error)
            else:
                return redirect("incidents:confirmation", pk=incident.pk)
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
        {"form": form, "limits": evidence.limits()},
        status=400 if form.errors else 200,
    )


def confirmation(request, pk: int):
    incident = get_incident_for(request.user, pk)
    if incident.declarer_id != request.user.pk:
        raise Http404
    return render(request, "incidents/confirmation.html", {"incident": incident})


def mine(request):
    page = Paginator(declarations_of(request.user).select_related("direction"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "incidents/mine.html", {"page_obj": page, "incidents": page.object_list})
