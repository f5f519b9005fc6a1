"""The address of the person's machine, as the portal sees it behind its reverse proxies.

Behind `PORTAL_TRUSTED_PROXY_COUNT` proxies (nginx in front of gunicorn: 1), the address is the one the
outermost trusted proxy received the request from: the Nth address from the right of X-Forwarded-For.
Addresses further left were written by the client and are never trusted. With 0 (a direct connection,
the embedded default) X-Forwarded-For is ignored. django-axes, the access log and the rate limits all
use this one function.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    address = address.strip()
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    proxies = int(settings.PORTAL_TRUSTED_PROXY_COUNT)
    remote = _valid(request.META.get("REMOTE_ADDR", "") or "")
    if proxies <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        # Fewer hops than trusted proxies: the request did not come through them all.
        return remote
    return _valid(forwarded[-proxies]) or remote
