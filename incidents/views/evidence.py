"""Evidence thumbnails on the incident page: the same access check as the download (404 for anyone who
may not see the file), never a public address, never kept by the browser (portal.middleware)."""

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from ..evidence import has_thumbnail, thumbnail_of
from ..selectors import get_evidence_for, get_incident_for

# Shown when a file gives no picture (the sanitiser refused it, or it is missing): a plain document icon.
FILE_ICON = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 16 16" fill="#6c757d">'
    b'<path d="M14 4.5V14a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V2a2 2 0 0 1 2-2h5.5zm-3 0A1.5 1.5 0 0 1 9.5 3V1H4'
    b'a1 1 0 0 0-1 1v12a1 1 0 0 0 1 1h8a1 1 0 0 0 1-1V4.5z"/></svg>'
)


@require_GET
def evidence_thumbnail(request, pk: int, evidence_pk: int):
    """The small picture of one file. Not written to the access log: it is part of the incident page,
    whose every view is logged; the file itself leaves only through the logged download."""
    incident = get_incident_for(request.user, pk)
    item = get_evidence_for(request.user, incident, evidence_pk)
    if not has_thumbnail(item.content_type):
        raise Http404
    data = thumbnail_of(item.stored_name, item.content_type)
    response = (
        HttpResponse(data, content_type="image/jpeg")
        if data is not None
        else HttpResponse(FILE_ICON, content_type="image/svg+xml")
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response
