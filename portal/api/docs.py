"""The schema (for systems and for people reading the documentation) and the documentation pages.

The schema is served to a valid token of any scope or to a signed-in person; the pages (the guide and
the interactive reference, served locally by drf-spectacular-sidecar) to signed-in people. Neither
opens any data: every call from the reference still needs a token.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated

from .authentication import ServiceTokenAuthentication
from .permissions import ValidTokenOrSignedIn
from .scopes import SCOPES
from .services import TOKEN_PREFIX
from .throttling import TokenRateThrottle
from .views import ApiView

METHOD_ORDER = ("get", "post", "put", "patch", "delete")


class SchemaView(ApiView, SpectacularAPIView):
    """OpenAPI 3 in YAML (JSON with ?format=json), in French or English with ?lang=fr|en."""

    authentication_classes = [ServiceTokenAuthentication, SessionAuthentication]
    permission_classes = [ValidTokenOrSignedIn]
    throttle_classes = [TokenRateThrottle]


class ReferenceView(SpectacularSwaggerSplitView):
    """Swagger UI from the sidecar package (no CDN), its start-up script a separate file (CSP)."""

    authentication_classes = [SessionAuthentication]
    permission_classes = [IsAuthenticated]
    template_name = "api/reference.html"
    url_name = "api:schema"

    @classmethod
    def as_view(cls, **initkwargs):
        # A page for people: like every portal page, the anonymous visitor is sent to sign in.
        return login_required(super().as_view(**initkwargs))

    def _get_schema_url(self, request):
        url = super()._get_schema_url(request)
        if "lang=" in url:
            return url
        return f"{url}{'&' if '?' in url else '?'}lang={translation.get_language() or 'fr'}"


@cache
def _operations(language: str) -> list[dict]:
    with translation.override(language):
        schema = SchemaGenerator().get_schema(request=None, public=True)
        rows = []
        for path, item in schema.get("paths", {}).items():
            for method in METHOD_ORDER:
                operation = item.get(method)
                if operation is None:
                    continue
                rows.append(
                    {
                        "method": method.upper(),
                        "path": path,
                        "summary": str(operation.get("summary", "")),
                        # The first paragraph: the second one names the scope, shown apart.
                        "description": str(operation.get("description", "")).split("\n\n")[0],
                        "scope": operation.get("x-scope", ""),
                        "parameters": [_parameter(p) for p in operation.get("parameters", [])],
                    }
                )
        return rows


def _parameter(parameter: dict) -> dict:
    """A query parameter for the guide: its own words, and its values when it has a list of them
    (drf-spectacular appends that list to the description in Markdown, which the page does not render)."""
    description = str(parameter.get("description", ""))
    if description.startswith("* `"):
        description = ""
    description = description.split("\n\n* `")[0].strip()
    return {
        "name": parameter["name"],
        "description": description,
        "values": [str(v) for v in parameter.get("schema", {}).get("enum", [])],
        "required": parameter.get("required", False),
    }


def guide(request):
    """The API in a few paragraphs: who it is for, tokens and scopes, limits, errors, every operation."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return render(
        request,
        "api/guide.html",
        {
            "app": "api",
            "operations": _operations(language[:2]),
            "scopes": [{"name": name, "label": label} for name, label in SCOPES.items()],
            "rate_per_minute": settings.API_RATE_PER_MINUTE,
            "max_days": settings.API_TOKEN_MAX_DAYS,
            "token_sample": f"{TOKEN_PREFIX}_0123456789ab_…",
            "schema_url": reverse("api:schema"),
            "base_url": settings.PORTAL_BASE_URL,
            "language": language[:2],
        },
    )
