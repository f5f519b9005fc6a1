"""Limits on password sign-in and password-reset requests (docs/rules.md, "Sign-in").

- django-axes locks a username from one client address after AXES_FAILURE_LIMIT failures: the pair, so
  nobody can lock another person out from elsewhere (settings.AXES_LOCKOUT_PARAMETERS).
- Progressive delays: after each failure for a username from an address, the next attempt from that pair
  waits twice as long (AUTH_DELAY_BASE_SECONDS, doubled, at most AUTH_DELAY_MAX_SECONDS). An attempt that
  comes too early is refused without checking the password, and does not count as a failure.
- Password spraying: past AUTH_SPRAYING_FAILURE_LIMIT failures across the whole portal within
  AUTH_SPRAYING_WINDOW_SECONDS, only people signing in from an address where they already signed in
  (within AUTH_KNOWN_ADDRESS_DAYS) get their password checked until the rate falls again.
- Password reset: at most PASSWORD_RESET_PER_EMAIL requests for one address per hour and
  PASSWORD_RESET_PER_CLIENT from one client address per hour; beyond, nothing is sent and the page
  answers exactly as usual.

Counts come from the audit log and django-axes' attempts, both in the database: every machine behind the
load balancer sees the same numbers.
"""

from __future__ import annotations

import datetime
import logging
import math

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest
from django.utils import timezone

from portal.clientip import client_ip

from .models import SignInEvent

logger = logging.getLogger(__name__)

Kind, Reason = SignInEvent.Kind, SignInEvent.Reason
# Refusals that are guesses: a wrong password, or a password tried on an account that may not use one.
COUNTED_FAILURES = (Reason.BAD_CREDENTIALS, Reason.LOCAL_LOGIN_NOT_ALLOWED)
RESET_WINDOW = datetime.timedelta(hours=1)


def axes_whitelisted(request: HttpRequest, credentials: dict | None) -> bool:
    """AXES_WHITELIST_CALLABLE: axes counts password attempts only. An OpenID Connect return carries no
    username; the identity provider checks (and throttles) the password itself."""
    return not (credentials or {}).get("username")


def seconds_before_next_attempt(request: HttpRequest, username: str) -> int:
    """How long this username must wait before another attempt from this client address (0: now)."""
    base = float(settings.AUTH_DELAY_BASE_SECONDS)
    if base <= 0 or not username:
        return 0
    now = timezone.now()
    cool_off = datetime.timedelta(hours=float(settings.AXES_COOLOFF_TIME or 0)) or datetime.timedelta(days=1)
    row = AccessAttempt.objects.filter(
        username=username, ip_address=client_ip(request), attempt_time__gte=now - cool_off
    ).aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    failures = row["failures"] or 0
    if not failures:
        return 0
    delay = min(base * 2 ** (failures - 1), float(settings.AUTH_DELAY_MAX_SECONDS))
    remaining = (row["last"] + datetime.timedelta(seconds=delay) - now).total_seconds()
    return max(0, math.ceil(remaining))


def spraying_suspected(*, now: datetime.datetime | None = None) -> bool:
    """More failed password attempts across the portal than AUTH_SPRAYING_FAILURE_LIMIT in the window."""
    limit = int(settings.AUTH_SPRAYING_FAILURE_LIMIT)
    if limit <= 0:
        return False
    now = now or timezone.now()
    since = now - datetime.timedelta(seconds=int(settings.AUTH_SPRAYING_WINDOW_SECONDS))
    recent = SignInEvent.objects.filter(kind=Kind.REFUSAL, created_at__gte=since, reason__in=COUNTED_FAILURES)
    # Counting stops at the limit: the query costs the same however hard the portal is attacked.
    suspected = recent.values("pk")[:limit].count() >= limit
    if suspected:
        logger.warning(
            "Password sign-in: %s failures or more in %ss, possible spraying",
            limit,
            settings.AUTH_SPRAYING_WINDOW_SECONDS,
        )
    return suspected


def known_address(request: HttpRequest, username: str) -> bool:
    """Did this identifier already sign in from this client address recently?"""
    days = int(settings.AUTH_KNOWN_ADDRESS_DAYS)
    since = timezone.now() - datetime.timedelta(days=days)
    return SignInEvent.objects.filter(
        kind=Kind.SIGN_IN, identifier=username[:150], client_ip=client_ip(request), created_at__gte=since
    ).exists()


def password_attempt_refusal(request: HttpRequest, username: str) -> tuple[str, int]:
    """Before a password is checked: ("", 0) to go on, or (reason, seconds to wait)."""
    wait = seconds_before_next_attempt(request, username)
    if wait:
        return Reason.TOO_SOON, wait
    if spraying_suspected() and not known_address(request, username):
        return Reason.SPRAYING_LIMIT, int(settings.AUTH_SPRAYING_WINDOW_SECONDS)
    return "", 0


def password_reset_allowed(request: HttpRequest, email: str) -> bool:
    """Item by item, silently: a request beyond either limit sends nothing."""
    since = timezone.now() - RESET_WINDOW
    resets = SignInEvent.objects.filter(kind=Kind.PASSWORD_RESET, created_at__gte=since)
    per_email = int(settings.PASSWORD_RESET_PER_EMAIL)
    per_client = int(settings.PASSWORD_RESET_PER_CLIENT)
    sent_to_email = resets.filter(identifier=email[:150], reason=Reason.REQUESTED)
    if sent_to_email.values("pk")[:per_email].count() >= per_email:
        return False
    # Every request from the address counts, refused ones too: a flood stays refused while it lasts.
    from_client = resets.filter(client_ip=client_ip(request))
    return from_client.values("pk")[:per_client].count() < per_client
