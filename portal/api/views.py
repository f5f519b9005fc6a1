"""The base of every API view: systems only, one scope, audited, rate-limited, French or English.

Every call, refused ones included, leaves one audit row (portal.api.services.call_record). The answer
speaks French unless the first language of Accept-Language is English; the browser pages of the
portal ignore that header (portal.middleware), a system has no other way to ask.
"""

from __future__ import annotations

import logging
import time

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError
from django.utils import translation
from rest_framework.views import APIView

from portal.clientip import client_ip

from .authentication import presented_key_id
from .services import call_record

logger = logging.getLogger(__name__)


def requested_language(request) -> str:
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    first = header.split(",")[0].split(";")[0].strip().lower()
    return "en" if first.startswith("en") else "fr"


class ApiView(APIView):
    """Subclasses set `required_scope` (portal.api.scopes) and document themselves with `api_schema`."""

    required_scope: str = ""

    @classmethod
    def as_view(cls, **initkwargs):
        # A system has no session: the portal's sign-in redirect does not apply, the token does.
        return login_not_required(super().as_view(**initkwargs))

    def initialize_request(self, request, *args, **kwargs):
        translation.activate(requested_language(request))
        request.LANGUAGE_CODE = translation.get_language()
        return super().initialize_request(request, *args, **kwargs)

    def dispatch(self, request, *args, **kwargs):
        started = time.perf_counter()
        status = 500
        try:
            response = super().dispatch(request, *args, **kwargs)
            status = response.status_code
            response["Content-Language"] = translation.get_language()
            return response
        finally:
            self._audit(request, status, started)

    def _audit(self, request, status: int, started: float) -> None:
        match = getattr(request, "resolver_match", None)
        try:
            call_record(
                token=getattr(request, "api_token", None),
                presented_key_id=presented_key_id(request),
                scope=self.required_scope,
                method=request.method or "",
                endpoint=(match.route if match else "") or request.path,
                path=request.path,
                status=status,
                client_ip=client_ip(request),
                duration_ms=int((time.perf_counter() - started) * 1000),
            )
        except DatabaseError:
            # The answer has been computed; losing its audit row is logged, never turned into an error.
            logger.exception("API audit row not written for %s %s", request.method, request.path)
