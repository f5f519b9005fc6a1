"""What the pages of this app share: streaming a stored file after the access check, and the audit."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest

from incidents.evidence import open_private

from ..audit import read_record

PAGE_SIZE = 50


def stream_file(request: HttpRequest, item) -> FileResponse:
    """A stored file as an attachment, never a public address; the download is recorded."""
    try:
        handle = open_private(item.stored_name)
    except (OSError, ValueError):
        raise Http404 from None
    read_record(request=request, obj=item, download=True)
    response = FileResponse(handle, as_attachment=True, filename=item.original_name, content_type=item.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
