"""Rate limits of the public paths (django-ratelimit, counters in the shared cache): per client address
as the trusted proxies give it (portal.clientip) and for everyone together, so a spread-out attack is
held too. The counters' cache keys are hashes that expire with their window; no log line is written."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited

from portal.clientip import client_ip

REPORT = "intake.report"
LOOKUP = "intake.lookup"
_RATES = {
    REPORT: ("INTAKE_REPORT_RATE_PER_ADDRESS", "INTAKE_REPORT_RATE_GLOBAL"),
    LOOKUP: ("INTAKE_LOOKUP_RATE_PER_ADDRESS", "INTAKE_LOOKUP_RATE_GLOBAL"),
}


def throttled(request: HttpRequest, group: str) -> bool:
    """Count this attempt; True when the address or everyone together is over the limit (settings, read now)."""
    per_address, overall = (getattr(settings, name) for name in _RATES[group])
    address = client_ip(request) or "unknown"
    over_address = is_ratelimited(
        request, group=f"{group}.address", key=lambda _group, _request: address, rate=per_address, increment=True
    )
    over_all = is_ratelimited(
        request, group=f"{group}.all", key=lambda _group, _request: "all", rate=overall, increment=True
    )
    return over_address or over_all
