"""POST-only action views: parse the form, call the service, come back to the incident page.

A person who cannot see the incident gets 404 (get_incident_for); one who can see it but may not
act gets 403 from the service's permission check. Invalid input re-renders the page with the errors.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import services
from ..forms import (
    AnswerForm,
    CloseForm,
    EscalateForm,
    MeasureForm,
    NoteForm,
    RequestInformationForm,
    ShareForm,
    TakedownForm,
    TakedownRemovedForm,
)
from ..selectors import get_incident_for
from .detail import detail_context


def incident_action(view):
    @require_POST
    @wraps(view)
    def wrapper(request, pk: int, **kwargs):
        incident = get_incident_for(request.user, pk)
        try:
            return view(request, incident, **kwargs)
        except services.IncidentActionError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(incident)

    return wrapper


def _invalid(request, incident, name, form):
    context = detail_context(request, incident, bound={name: form})
    needed = "record_takedown" if name == "takedown_removed" else name
    if needed not in context["actions"]:
        raise PermissionDenied
    messages.error(request, _("Le formulaire contient des erreurs : corrigez-les ci-dessous."))
    return render(request, "incidents/detail.html", context, status=400)


def _done(request, incident, text):
    messages.success(request, text)
    return redirect("incidents:detail", pk=incident.pk)


@incident_action
def take_in_charge(request, incident):
    services.incident_take_in_charge(incident=incident, actor=request.user)
    return _done(request, incident, _("Vous avez pris l'incident en charge."))


@incident_action
def request_information(request, incident):
    form = RequestInformationForm(request.POST)
    if not form.is_valid():
        return _invalid(request, incident, "request_information", form)
    services.incident_request_information(incident=incident, actor=request.user, **form.cleaned_data)
    return _done(request, incident, _("Votre question a été transmise au déclarant."))


@incident_action
def answer_information(request, incident):
    form = AnswerForm(request.POST, request.FILES)
    if not form.is_valid():
        return _invalid(request, incident, "answer_information", form)
    services.incident_answer_information(
        incident=incident,
        actor=request.user,
        answer=form.cleaned_data["answer"],
        evidence=form.cleaned_data.get("evidence") or [],
    )
    return _done(request, incident, _("Merci, votre réponse a été transmise."))


@incident_action
def add_note(request, incident):
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _invalid(request, incident, "add_note", form)
    services.incident_add_note(incident=incident, actor=request.user, **form.cleaned_data)
    return _done(request, incident, _("Note ajoutée."))


@incident_action
def record_measure(request, incident):
    form = MeasureForm(request.POST)
    if not form.is_valid():
        return _invalid(request, incident, "record_measure", form)
    services.incident_record_measure(incident=incident, actor=request.user, **form.cleaned_data)
    return _done(request, incident, _("Mesure consignée."))


@incident_action
def escalate(request, incident):
    form = EscalateForm(request.POST)
    if not form.is_valid():
        return _invalid(request, incident, "escalate", form)
    services.incident_escalate(incident=incident, actor=request.user, **form.cleaned_data)
    return _done(request, incident, _("L'incident a été transmis au niveau suivant."))


@incident_action
def close(request, incident):
    form = CloseForm(request.POST, level=incident.level)
    if not form.is_valid():
        return _invalid(request, incident, "close", form)
    services.incident_close(incident=incident, actor=request.user, **form.service_kwargs())
    return _done(request, incident, _("L'incident est fermé."))


@incident_action
def record_takedown(request, incident):
    form = TakedownForm(request.POST)
    if not form.is_valid():
        return _invalid(request, incident, "record_takedown", form)
    services.incident_record_takedown(incident=incident, actor=request.user, **form.cleaned_data)
    return _done(request, incident, _("Demande de retrait consignée."))


@incident_action
def record_takedown_removed(request, incident, takedown_pk: int):
    form = TakedownRemovedForm(request.POST)
    if not form.is_valid():
        return _invalid(request, incident, "takedown_removed", form)
    services.incident_record_takedown_removed(
        incident=incident, actor=request.user, takedown_id=takedown_pk, **form.cleaned_data
    )
    return _done(request, incident, _("Retrait du contenu consigné."))


@incident_action
def share(request, incident):
    form = ShareForm(request.POST)
    if not form.is_valid():
        return _invalid(request, incident, "share", form)
    services.incident_share(incident=incident, actor=request.user, user=form.cleaned_data["person"])
    return _done(request, incident, _("L'incident est partagé avec cette personne."))


@incident_action
def unshare(request, incident, user_pk: int):
    user = get_user_model().objects.filter(pk=user_pk).first()
    if user is None:
        raise Http404
    services.incident_unshare(incident=incident, actor=request.user, user=user)
    return _done(request, incident, _("Le partage est retiré."))
