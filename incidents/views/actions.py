"""POST-only action views: parse the form, run the service through `portal.actions.attempt`, come back
to the incident page.

A person who cannot see the incident gets 404 (get_incident_for); one who can see it but may not
act gets 403 from the service's permission check. Invalid input, or a service's refusal, re-renders the
page with the errors on the form (400); a refused action without a form is flashed.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.actions import attempt

from .. import rules, services
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

TAKEDOWN_REMOVED = "takedown_removed"  # the form of "the content was seen removed" on the page


def incident_action(view):
    @require_POST
    @wraps(view)
    def wrapper(request, pk: int, **kwargs):
        return view(request, get_incident_for(request.user, pk), **kwargs)

    return wrapper


def _invalid(request, incident, name, form):
    """The page again, with this form and its errors (400); 403 if the action is not the person's."""
    context = detail_context(request, incident, bound={name: form})
    needed = rules.RECORD_TAKEDOWN if name == TAKEDOWN_REMOVED else name
    if needed not in context["actions"]:
        raise PermissionDenied
    messages.error(request, _("Le formulaire contient des erreurs : corrigez-les ci-dessous."))
    return render(request, "incidents/detail.html", context, status=400)


def _submit(request, incident, name, form, call, success, *, refusal_on_form=True):
    """Run the service when the form is valid; back to the page when it succeeded, else the errors.

    `refusal_on_form=False`: the form shows one field only, so a refusal is flashed over the page.
    """
    if not form.is_valid():
        return _invalid(request, incident, name, form)
    outcome = attempt(
        request, lambda: call(form.cleaned_data), form=form if refusal_on_form else None, success=success
    )
    if outcome.ok or not refusal_on_form:
        return redirect(incident)
    return _invalid(request, incident, name, form)


def _without_form(request, incident, call, success):
    attempt(request, call, success=success)
    return redirect(incident)


@incident_action
def take_in_charge(request, incident):
    return _without_form(
        request,
        incident,
        lambda: services.incident_take_in_charge(incident=incident, actor=request.user),
        _("Vous avez pris l'incident en charge."),
    )


@incident_action
def request_information(request, incident):
    return _submit(
        request,
        incident,
        rules.REQUEST_INFORMATION,
        RequestInformationForm(request.POST),
        lambda data: services.incident_request_information(incident=incident, actor=request.user, **data),
        _("Votre question a été transmise au déclarant."),
    )


@incident_action
def answer_information(request, incident):
    return _submit(
        request,
        incident,
        rules.ANSWER_INFORMATION,
        AnswerForm(request.POST, request.FILES),
        lambda data: services.incident_answer_information(
            incident=incident, actor=request.user, answer=data["answer"], evidence=data.get("evidence") or []
        ),
        _("Merci, votre réponse a été transmise."),
    )


@incident_action
def add_note(request, incident):
    return _submit(
        request,
        incident,
        rules.ADD_NOTE,
        NoteForm(request.POST),
        lambda data: services.incident_add_note(incident=incident, actor=request.user, **data),
        _("Note ajoutée."),
    )


@incident_action
def record_measure(request, incident):
    return _submit(
        request,
        incident,
        rules.RECORD_MEASURE,
        MeasureForm(request.POST),
        lambda data: services.incident_record_measure(incident=incident, actor=request.user, **data),
        _("Mesure consignée."),
    )


@incident_action
def escalate(request, incident):
    return _submit(
        request,
        incident,
        rules.ESCALATE,
        EscalateForm(request.POST),
        lambda data: services.incident_escalate(incident=incident, actor=request.user, **data),
        _("L'incident a été transmis au niveau suivant."),
    )


@incident_action
def close(request, incident):
    form = CloseForm(request.POST, level=incident.level)
    return _submit(
        request,
        incident,
        rules.CLOSE,
        form,
        lambda data: services.incident_close(incident=incident, actor=request.user, **form.service_kwargs()),
        _("L'incident est fermé."),
    )


@incident_action
def record_takedown(request, incident):
    return _submit(
        request,
        incident,
        rules.RECORD_TAKEDOWN,
        TakedownForm(request.POST),
        lambda data: services.incident_record_takedown(incident=incident, actor=request.user, **data),
        _("Demande de retrait consignée."),
    )


@incident_action
def record_takedown_removed(request, incident, takedown_pk: int):
    return _submit(
        request,
        incident,
        TAKEDOWN_REMOVED,
        TakedownRemovedForm(request.POST),
        lambda data: services.incident_record_takedown_removed(
            incident=incident, actor=request.user, takedown_id=takedown_pk, **data
        ),
        _("Retrait du contenu consigné."),
        refusal_on_form=False,
    )


@incident_action
def share(request, incident):
    return _submit(
        request,
        incident,
        rules.SHARE,
        ShareForm(request.POST),
        lambda data: services.incident_share(incident=incident, actor=request.user, user=data["person"]),
        _("L'incident est partagé avec cette personne."),
    )


@incident_action
def unshare(request, incident, user_pk: int):
    user = get_user_model().objects.filter(pk=user_pk).first()
    if user is None:
        raise Http404
    return _without_form(
        request,
        incident,
        lambda: services.incident_unshare(incident=incident, actor=request.user, user=user),
        _("Le partage est retiré."),
    )
