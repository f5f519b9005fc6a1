"""Reads of the sign-in audit log, scoped to the person asking (docs/rules.md, "Sign-in")."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from portal.roles import roles_for

from . import config
from .models import SignInEvent


def may_read_sign_in_log(user: AbstractBaseUser | AnonymousUser) -> bool:
    """§7.3: DCAI watches over the portal's use; administrators run it."""
    roles = roles_for(user)
    return roles.is_admin or roles.is_dcai


def sign_in_events_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[SignInEvent]:
    if not may_read_sign_in_log(user):
        return SignInEvent.objects.none()
    return SignInEvent.objects.select_related("user")


def sign_in_events_filtered(
    user: AbstractBaseUser | AnonymousUser,
    *,
    who: str = "",
    kind: str = "",
    method: str = "",
    client_ip: str = "",
    day_from: datetime.date | None = None,
    day_to: datetime.date | None = None,
) -> QuerySet[SignInEvent]:
    events = sign_in_events_visible_to(user)
    if who:
        # Accounts first (a small table), then their rows through the indexed columns of the log.
        account_ids = list(
            get_user_model()
            .objects.filter(Q(username__iexact=who) | Q(email__iexact=who) | Q(last_name__iexact=who))
            .values_list("pk", flat=True)[:50]
        )
        # Ids, not a subquery: the database then combines the two indexes instead of reading the whole log.
        events = events.filter(Q(identifier=who) | Q(user_id__in=account_ids))
    if kind:
        events = events.filter(kind=kind)
    if method:
        events = events.filter(method=method)
    if client_ip:
        events = events.filter(client_ip=client_ip)
    tz = timezone.get_current_timezone()
    if day_from:
        events = events.filter(created_at__gte=datetime.datetime.combine(day_from, datetime.time.min, tz))
    if day_to:
        next_day = day_to + datetime.timedelta(days=1)
        events = events.filter(created_at__lt=datetime.datetime.combine(next_day, datetime.time.min, tz))
    return events


def template_flags(user: AbstractBaseUser) -> dict[str, bool]:
    """settings.PORTAL_TEMPLATE_FLAGS: the sign-in log in the menu; the password entries only for the
    accounts that may use a portal password (AUTH_LOCAL_LOGIN)."""
    return {
        "read_sign_in_log": may_read_sign_in_log(user),
        "change_password": config.local_login_allowed(user) and user.has_usable_password(),
    }
