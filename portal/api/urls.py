"""/api/: the documentation pages (for people, signed in) and the machine endpoints (for systems).

The endpoints of each app come from settings.PORTAL_API_ROUTES: dotted paths of callables returning
URL patterns, mounted under /api/v1/ (portal/ never imports policies or incidents; docs/architecture.md).
"""

from __future__ import annotations

from django.urls import include, path

from portal.hooks import call_each

from . import docs


def _v1_patterns() -> list:
    return [pattern for routes in call_each("PORTAL_API_ROUTES") for pattern in routes]


machine_patterns = [
    path("schema/", docs.SchemaView.as_view(), name="schema"),
    path("v1/", include(_v1_patterns())),
]

doc_patterns = [
    path("", docs.guide, name="guide"),
    path("reference/", docs.ReferenceView.as_view(), name="reference"),
]

urlpatterns = [
    path("", include((doc_patterns, "api_docs"))),
    path("", include((machine_patterns, "api"))),
]
