"""The one suggestion endpoint of the person pickers (htmx fills the picker's `<datalist>`)."""

from __future__ import annotations

import re

from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from .resolve import person_choice_value
from .scopes import get_scope_for
from .search import normalised, staff_search_is_long_enough, staff_search_throttled, staff_suggestions

FIELD_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,59}$")


def _safe_name(value: str | None, default: str) -> str:
    value = value or default
    if not FIELD_NAME.match(value):
        raise Http404
    return value


@require_GET
def suggestions(
    request: HttpRequest, *, scope_name: str | None = None, field: str | None = None, options_id: str | None = None
) -> HttpResponse:
    """Suggestions for one picker: signed-in staff allowed to use it only (404 otherwise), ten people at
    most among those its scope allows, name and direction (the employee number only where the scope
    shows it), a per-person rate limit (portal.people.search). Rendered without the page's context
    processors so the fragment costs the queries of the scope and the one of the search.
    """
    scope = get_scope_for(scope_name or request.GET.get("scope", ""), request.user)
    field = _safe_name(field or request.GET.get("field"), "q")
    options_id = _safe_name(options_id or request.GET.get("list"), "person-options")
    text = normalised(request.GET.get(field) or request.GET.get("q"))
    searched = staff_search_is_long_enough(text)
    throttled = searched and staff_search_throttled(request)
    profiles = []
    if searched and not throttled:
        profiles = staff_suggestions(
            text=text,
            within=scope.people,
            exclude_user=request.user if scope.excludes_chooser else None,
            numbers_visible=scope.numbers_visible,
        )
    rows = [
        {
            "value": person_choice_value(profile),
            "name": profile.full_name,
            "direction": profile.direction.name,
            "number": profile.employee_number if scope.numbers_visible else "",
        }
        for profile in profiles
    ]
    html = render_to_string(
        "portal/people/_options.html",
        {"options_id": options_id, "suggestions": rows, "searched": searched, "throttled": throttled, "oob": True},
    )
    # htmx leaves an error response unshown: it gets the explanation with 200, anything else a 429.
    response = HttpResponse(html, status=429 if throttled and not request.htmx else 200)
    response["Cache-Control"] = "private, no-store"
    return response
