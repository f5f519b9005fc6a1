"""The incident page, evidence downloads and DCAI's access log. Every view and download is logged."""

from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render

from ..evidence import private_path
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
from ..models import AccessLog, Event, Evidence, Message
from ..routing import next_route
from ..selectors import available_actions, declarer_label, get_incident_for, viewer_of
from ..services import shared_with

ACTION_FORMS = {
    "request_information": RequestInformationForm,
    "answer_information": AnswerForm,
    "add_note": NoteForm,
    "record_measure": MeasureForm,
    "escalate": EscalateForm,
    "record_takedown": TakedownForm,
    "share": ShareForm,
}


def detail_context(request, incident, *, bound: dict | None = None) -> dict:
    """Everything the page shows, cut to what this viewer may see; `bound` replaces a form with errors."""
    viewer = viewer_of(request.user, incident)
    messages_ = list(Message.objects.filter(incident=incident).select_related("author"))
    open_request = any(m.kind == Message.Kind.REQUEST and m.answered_at is None for m in messages_)
    actions = available_actions(request.user, incident, viewer, open_request=open_request)
    events = Event.objects.filter(incident=incident).select_related("actor")
    if not viewer.sees_internal:
        events = events.filter(visible_to_declarer=True)
    declarer_name = declarer_label(incident, viewer)
    events = list(events)
    for event in events:
        # The declarer's own actions carry the same label as the declarer line (confidentiality).
        if event.actor_id is None:
            event.actor_label = ""
        elif event.actor_id == incident.declarer_id:
            event.actor_label = declarer_name
        else:
            event.actor_label = event.actor.get_full_name() or event.actor.get_username()
    forms = {name: form_class() for name, form_class in ACTION_FORMS.items() if name in actions}
    if "close" in actions:
        forms["close"] = CloseForm(level=incident.level)
    forms.update(bound or {})
    context = {
        "incident": incident,
        "viewer": viewer,
        "actions": actions,
        "forms": forms,
        "declarer_name": declarer_name,
        "events": events,
        "messages_list": messages_,
        "evidence_list": Evidence.objects.filter(incident=incident).select_related("uploaded_by"),
        "next_route": next_route(incident) if "escalate" in actions else None,
    }
    if viewer.sees_internal:
        context["notes"] = incident.notes.select_related("author")
        context["measures"] = incident.measures.select_related("recorded_by")
        context["takedowns"] = incident.takedowns.all()
    if "record_takedown" in actions:
        context["removed_form"] = bound.get("takedown_removed") if bound else None
        context["removed_form"] = context["removed_form"] or TakedownRemovedForm()
    if "share" in actions:
        context["shared_people"] = shared_with(incident)
    return context


def detail(request, pk: int):
    incident = get_incident_for(request.user, pk)
    AccessLog.objects.create(incident=incident, user=request.user, action=AccessLog.Action.VIEW)
    return render(request, "incidents/detail.html", detail_context(request, incident))


def evidence_download(request, pk: int, evidence_pk: int):
    incident = get_incident_for(request.user, pk)
    item = Evidence.objects.filter(pk=evidence_pk, incident=incident).first()
    if item is None:
        raise Http404
    try:
        handle = open(private_path(item.stored_name), "rb")
    except (OSError, ValueError):
        raise Http404 from None
    AccessLog.objects.create(
        incident=incident, evidence=item, user=request.user, action=AccessLog.Action.DOWNLOAD
    )
    response = FileResponse(
        handle, as_attachment=True, filename=item.original_name, content_type=item.content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def access_log(request, pk: int):
    incident = get_incident_for(request.user, pk)
    if "view_access_log" not in available_actions(request.user, incident):
        raise Http404
    entries = AccessLog.objects.filter(incident=incident).select_related("user", "evidence")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "incidents/access_log.html",
        {"incident": incident, "page_obj": page, "entries": page.object_list},
    )
