"""POST-only action views: parse the form, run the service through `portal.actions.attempt`, come back
to the incident page.

A person who cannot see the incident gets 404 (get_incident_for); one who can see it but may not
act gets 403 from the service's permission check. Invalid input, or a service's refusal, re-renders the
page with the errors on the form (400); a refused action without a form is flashed.

An action that loses its race (another person escalated, closed or took the incident in charge between the
page and the click) is not a 403: the person is sent back to the incident page with a message saying what
happened (`_overtaken`). The forms carry the incident's `updated_at` as they showed it (`seen`); without it,
an action offered on this request's first read and refused on the locked row lost its race.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.actions import attempt, has_form_level_errors
from portal.submissions import attempt_once

from .. import rules, services
from ..forms import (
    AnswerForm,
    CloseForm,
    EscalateForm,
    MeasureForm,
    NoteForm,
    ReopenForm,
    RequestInformationForm,
    ShareForm,
    TakedownForm,
    TakedownRemovedForm,
)
from ..models import Event, Incident
from ..selectors import available_actions, get_incident_for, incidents_visible_to, viewer_of
from .detail import detail_context

TAKEDOWN_REMOVED = "takedown_removed"  # the form of "the content was seen removed" on the page


def incident_action(view):
    @require_POST
    @wraps(view)
    def wrapper(request, pk: int, **kwargs):
        return view(request, get_incident_for(request.user, pk), **kwargs)

    return wrapper


# What the losing side of a race is told, by what the other person did (docs/rules.md).
OVERTAKEN_BY = {
    Event.Kind.ESCALATED: gettext_lazy("Cet incident vient d'être transmis au niveau suivant par une autre personne."),
    Event.Kind.ESCALATED_OVERDUE: gettext_lazy(
        "Cet incident vient d'être transmis automatiquement au niveau suivant : son délai était dépassé."
    ),
    Event.Kind.CLOSED: gettext_lazy("Cet incident vient d'être fermé par une autre personne."),
    Event.Kind.TAKEN_IN_CHARGE: gettext_lazy("Cet incident vient d'être pris en charge par une autre personne."),
    Event.Kind.INFORMATION_REQUESTED: gettext_lazy(
        "Une autre personne vient de demander des précisions au déclarant."
    ),
    Event.Kind.INFORMATION_PROVIDED: gettext_lazy("Le déclarant vient de répondre à la question posée."),
}
OVERTAKEN = gettext_lazy("Cet incident vient d'être modifié par une autre personne.")
NOT_RECORDED = gettext_lazy("Votre action n'a pas été enregistrée : voici l'incident tel qu'il est maintenant.")


class Overtaken(Exception):
    """The action was refused because someone else changed the incident first."""


def _seen(request) -> int | None:
    """The incident's `updated_at` as the person's page showed it, in microseconds since the epoch."""
    raw = request.POST.get("seen", "")
    seconds, _dot, micro = raw.partition(".")
    if not seconds.isdigit() or (micro and not micro.isdigit()):
        return None
    return int(seconds) * 1_000_000 + int(micro.ljust(6, "0")[:6] or 0)


def _lost_race(request, incident: Incident, action: str) -> bool:
    """True when the refusal comes from another person's change, not from who this person is."""
    seen = _seen(request)
    if seen is not None:
        now = Incident.objects.filter(pk=incident.pk).values_list("updated_at", flat=True).first()
        return now is not None and round(now.timestamp() * 1_000_000) > seen
    # `incident` is this request's first read: the action was offered then, and refused on the locked row.
    return action in available_actions(request.user, incident)


def _guarded(request, incident: Incident, action: str, call):
    """The service call; a refusal that lost a race becomes `Overtaken` instead of a 403."""

    def run(*args):
        try:
            return call(*args)
        except PermissionDenied:
            if _lost_race(request, incident, action):
                raise Overtaken from None
            raise

    return run


def _overtaken(request, incident: Incident):
    """Back to the incident page, saying what happened (or to the incidents if it is no longer theirs)."""
    viewer = viewer_of(request.user, incident)
    latest = (
        Event.objects.filter(incident_id=incident.pk, kind__in=list(OVERTAKEN_BY))
        .exclude(actor_id=request.user.pk)
        .order_by("-created_at", "-id")
    )
    if not viewer.sees_internal:
        latest = latest.filter(visible_to_declarer=True)
    event = latest.first()
    what = OVERTAKEN_BY[event.kind] if event is not None else OVERTAKEN
    messages.warning(request, f"{what} {NOT_RECORDED}")
    if incidents_visible_to(request.user).filter(pk=incident.pk).exists():
        return redirect(incident)
    return redirect("incidents:index")


def _invalid(request, incident, name, form):
    """The page again, with this form and its errors (400); 403 if the action is not the person's."""
    context = detail_context(request, incident, bound={name: form})
    needed = rules.RECORD_TAKEDOWN if name == TAKEDOWN_REMOVED else name
    if needed not in context["actions"]:
        if _seen(request) is not None and _lost_race(request, incident, needed):
            return _overtaken(request, incident)
        raise PermissionDenied
    # One red banner: the form's own, when the refusal is about the whole form; else this one.
    if not has_form_level_errors(form):
        messages.error(request, _("Le formulaire contient des erreurs : corrigez-les ci-dessous."))
    return render(request, "incidents/detail.html", context, status=400)


def _submit(request, incident, name, form, call, success, *, refusal_on_form=True, once=False):
    """Run the service when the form is valid; back to the page when it succeeded, else the errors.

    `refusal_on_form=False`: the form shows one field only, so a refusal is flashed over the page.
    `once`: the form creates something (an answer with evidence): one per submission key (portal.submissions).
    """
    if not form.is_valid():
        return _invalid(request, incident, name, form)
    needed = rules.RECORD_TAKEDOWN if name == TAKEDOWN_REMOVED else name
    run = _guarded(request, incident, needed, lambda: call(form.cleaned_data))
    refusal_form = form if refusal_on_form else None
    try:
        if once:
            outcome = attempt_once(
                request, run, form=refusal_form, success=success, result_url=lambda _v: incident.get_absolute_url()
            )
        else:
            outcome = attempt(request, run, form=refusal_form, success=success)
    except Overtaken:
        return _overtaken(request, incident)
    if outcome.ok or not refusal_on_form:
        return redirect(incident)
    return _invalid(request, incident, name, form)


def _without_form(request, incident, action, call, success):
    try:
        attempt(request, _guarded(request, incident, action, call), success=success)
    except Overtaken:
        return _overtaken(request, incident)
    return redirect(incident)


@incident_action
def take_in_charge(request, incident):
    return _without_form(
        request,
        incident,
        rules.TAKE_IN_CHARGE,
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
        once=True,
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
def reopen(request, incident):
    # A refusal (not closed any more, purged) is said over the page: the form holds the reason only.
    return _submit(
        request,
        incident,
        rules.REOPEN,
        ReopenForm(request.POST),
        lambda data: services.incident_reopen(incident=incident, actor=request.user, reason=data["reason"]),
        _("L'incident est rouvert : il revient à la DCAI, pris en charge par vous."),
        refusal_on_form=False,
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
    form = ShareForm(request.POST, user=request.user)

    def shared_with(_value) -> str:
        # Says with whom, so a wrong person (a namesake, a mistyped number) is seen at once.
        person = form.cleaned_data["person"]
        return _("L'incident est partagé avec %(name)s.") % {"name": person.get_full_name() or person.get_username()}

    return _submit(
        request,
        incident,
        rules.SHARE,
        form,
        lambda data: services.incident_share(incident=incident, actor=request.user, user=data["person"]),
        shared_with,
    )


@incident_action
def unshare(request, incident, user_pk: int):
    user = get_user_model().objects.filter(pk=user_pk).first()
    if user is None:
        raise Http404
    return _without_form(
        request,
        incident,
        rules.SHARE,
        lambda: services.incident_unshare(incident=incident, actor=request.user, user=user),
        _("Le partage est retiré."),
    )
