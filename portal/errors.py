"""The 500 page: the portal's look and the request id to quote, without the context processors.

Django renders 500.html with no request context, since what failed may be the database the context
processors read. The request id (portal.requestlog) is the one thing the page adds: the help desk finds
the request's log lines with it. The 403 and 404 pages are Django's own views with `403.html` and
`404.html`, which get the full context (menu, request id).
"""

from __future__ import annotations

from django.http import HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def server_error(request, template_name: str = "500.html"):
    template = loader.get_template(template_name)
    return HttpResponseServerError(template.render({"request_id": getattr(request, "request_id", "")}))
