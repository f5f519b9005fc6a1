"""The incident page, evidence downloads and DCAI's access log. Every view and download is logged."""

from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone

from .. import rules
from ..evidence import open_private
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
from ..models import AccessLog
from ..pause import pause_state
from ..selectors import access_log_of, get_evidence_for, get_incident_for, incident_page
from ..selectors.page import get_incident_page_for
from ..services import access_log_record

ACTION_FORMS = {
    rules.REQUEST_INFORMATION: RequestInformationForm,
    rules.ANSWER_INFORMATION: AnswerForm,
    rules.ADD_NOTE: NoteForm,
    rules.RECORD_MEASURE: MeasureForm,
    rules.ESCALATE: EscalateForm,
    rules.RECORD_TAKEDOWN: TakedownForm,
    rules.SHARE: ShareForm,
    rules.REOPEN: ReopenForm,
}


def detail_context(request, incident, *, bound: dict | None = None) -> dict:
    """The page (incidents.selectors.incident_page) and a form per action offered; `bound` replaces a
    form with the one that came back with errors."""
    page = incident_page(request.user, incident)
    forms = {name: form_class() for name, form_class in ACTION_FORMS.items() if name in page.actions}
    if rules.CLOSE in page.actions:
        forms[rules.CLOSE] = CloseForm(level=incident.level)
    forms.update(bound or {})
    context = {
        "incident": incident,
        "deadline_pause": pause_state(incident, timezone.now()),
        "viewer": page.viewer,
        "actions": page.actions,
        "forms": forms,
        "declarer_name": page.declarer_name,
        "events": page.events,
        "messages_list": page.messages,
        "evidence_list": page.evidence,
        "next_route": page.next_route,
        "shared_people": page.shared_people,
        "register_entry": page.register_entry,
        **page.internal,
    }
    if rules.RECORD_TAKEDOWN in page.actions:
        context["removed_form"] = (bound or {}).get("takedown_removed") or TakedownRemovedForm()
    return context


def detail(request, pk: int):
    incident = get_incident_page_for(request.user, pk)
    access_log_record(incident=incident, user=request.user, action=AccessLog.Action.VIEW, request=request)
    return render(request, "incidents/detail.html", detail_context(request, incident))


def evidence_download(request, pk: int, evidence_pk: int):
    incident = get_incident_for(request.user, pk)
    item = get_evidence_for(request.user, incident, evidence_pk)
    # Streamed from the private storage (a folder or a private bucket) through this access-checked view:
    # evidence never has a public address.
    try:
        handle = open_private(item.stored_name)
    except (OSError, ValueError):
        raise Http404 from None
    access_log_record(
        incident=incident, user=request.user, action=AccessLog.Action.DOWNLOAD, evidence=item, request=request
    )
    response = FileResponse(handle, as_attachment=True, filename=item.original_name, content_type=item.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def access_log(request, pk: int):
    incident = get_incident_for(request.user, pk)
    page = Paginator(access_log_of(request.user, incident), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "incidents/access_log.html",
        {"incident": incident, "page_obj": page, "entries": page.object_list},
    )
