"""Writes of the sign-in audit log (docs/rules.md, "Sign-in")."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from portal.clientip import client_ip

from .models import SignInEvent


def sign_in_event_record(
    *,
    request: HttpRequest | None,
    kind: str,
    method: str,
    reason: str = "",
    user=None,
    identifier: str = "",
) -> SignInEvent:
    """One row of the audit log: who, when, how, from where. Never a password, token, code or state:
    callers pass only the identifier a person used (cut to 150 characters)."""
    if not identifier and user is not None:
        identifier = user.get_username()
    return SignInEvent.objects.create(
        kind=kind,
        method=method,
        reason=reason or "",
        user=user if user is not None and user.pk else None,
        identifier=(identifier or "").strip()[:150],
        client_ip=client_ip(request) if request is not None else None,
    )


def sign_in_log_purge(*, now: datetime.datetime | None = None) -> int:
    """Rows older than SIGN_IN_LOG_RETENTION_DAYS are deleted by the daily job; returns how many."""
    now = now or timezone.now()
    days = int(settings.SIGN_IN_LOG_RETENTION_DAYS)
    deleted, _ = SignInEvent.objects.filter(created_at__lt=now - datetime.timedelta(days=days)).delete()
    return deleted
