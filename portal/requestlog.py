"""One log line per request, and a request id that ties together the line, the response and any log written
while the request ran (README, "Production", logs).

The id comes from the reverse proxy's `X-Request-ID` when the portal trusts a proxy
(`PORTAL_TRUSTED_PROXY_COUNT` > 0) and the value is well formed, so nginx's log and the portal's share it;
otherwise a new one is made. It is echoed in the `X-Request-ID` response header, given to templates as
`request_id` (error pages show it), and added to every log record of the request (`RequestIdFilter`).

The line holds the method, the path without its query string, the status, the duration, the user id, the
client address (portal.clientip) and the request id: never a query string, a form field or any text a
person typed, so no incident text can reach the logs. `LOG_FORMAT=json` writes it as one JSON object.
On the paths of settings.PORTAL_REQUEST_LOG_ANONYMOUS_PATHS (anonymous declarations, intake/) the line
keeps neither the user id nor the address (docs/rules.md, "Anonymous reports").
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

from .clientip import client_ip

logger = logging.getLogger("portal.request")

HEADER = "X-Request-ID"
_META_KEY = "HTTP_X_REQUEST_ID"
_WELL_FORMED = re.compile(r"^[A-Za-z0-9._-]{8,128}$")
_current: ContextVar[str] = ContextVar("portal_request_id", default="-")
# Probes of a load balancer every few seconds would drown the log: logged at DEBUG while they succeed.
_QUIET_PREFIX = "/sante/"


def current_request_id() -> str:
    """The id of the request being served by this thread, or "-" outside a request."""
    return _current.get()


def _incoming_id(request: HttpRequest) -> str | None:
    if int(settings.PORTAL_TRUSTED_PROXY_COUNT) <= 0:
        return None  # a client could choose its own id and mix its lines with someone else's
    value = request.META.get(_META_KEY, "")
    return value if _WELL_FORMED.match(value) else None


def _user_id(request: HttpRequest) -> int | None:
    """The signed-in person's id if the request already loaded them; never a query just for the log."""
    user = request.__dict__.get("user")
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is empty or wrapped is None:
        return None
    return wrapped.pk if getattr(wrapped, "is_authenticated", False) else None


class RequestLogMiddleware:
    """First middleware: times the whole request, sets the id, writes the line."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = _incoming_id(request) or uuid.uuid4().hex
        request.request_id = request_id
        token = _current.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            self._log(request, response.status_code, started)
            return response
        finally:
            _current.reset(token)

    @staticmethod
    def _log(request: HttpRequest, status: int, started: float) -> None:
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        if status >= 500:
            level = logging.WARNING
        elif request.path.startswith(_QUIET_PREFIX) and status < 400:
            level = logging.DEBUG
        else:
            level = logging.INFO
        if not logger.isEnabledFor(level):
            return
        anonymous = request.path.startswith(tuple(getattr(settings, "PORTAL_REQUEST_LOG_ANONYMOUS_PATHS", ())))
        fields = {
            "method": request.method,
            "path": request.path,
            "status": status,
            "duration_ms": duration_ms,
            "user_id": None if anonymous else _user_id(request),
            "ip": None if anonymous else client_ip(request),
        }
        logger.log(
            level,
            "%(method)s %(path)s %(status)s %(duration_ms)sms user=%(user_id)s ip=%(ip)s",
            fields,
            extra=fields,
        )


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every log record (the current request's, or "-")."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            # django.request logs a 4xx/5xx answer after the middlewares returned: its record carries the request.
            record.request_id = getattr(getattr(record, "request", None), "request_id", None) or _current.get()
        return True


def request_id(request: HttpRequest) -> dict[str, str]:
    """Context processor: `request_id` for templates (error pages show it to quote to the help desk)."""
    return {"request_id": getattr(request, "request_id", "") or ""}
