"""Lists of incidents: the declarer's own, the handlers' queues, HR's counts (staff suggestions: staff.py)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from portal.roles import roles_for

from .. import rules
from ..models import Incident, Message
from .visibility import handler_scope, never_concerned

Level = Incident.Level
RECENTLY_CLOSED_DAYS = 90


def declarations_of(user: AbstractBaseUser) -> QuerySet:
    """The declarer's own list (§7.7), with a flag when a request waits for their answer."""
    open_requests = Message.objects.filter(
        incident=OuterRef("pk"), kind=Message.Kind.REQUEST, answered_at__isnull=True
    )
    return (
        never_concerned(Incident.objects.filter(declarer=user), user)
        .annotate(waiting_for_me=Exists(open_requests))
        .order_by("-created_at", "-id")
    )


def can_use_queues(user: AbstractBaseUser) -> bool:
    """Managers (§7.6), direction heads and delegates (§7.4) and DCAI (§7.3) have queues."""
    roles = roles_for(user)
    return roles.is_manager or roles.is_direction_lead or roles.is_dcai


def queue_to_handle(user: AbstractBaseUser) -> QuerySet:
    """The incidents waiting at the level where this person handles them (incidents.rules)."""
    scope = rules.current_level_scope(roles_for(user))
    if scope is None:
        return Incident.objects.none()
    return never_concerned(Incident.objects.filter(scope), user).order_by("-urgent", "deadline_at", "id")


def queue_overdue(user: AbstractBaseUser, now=None) -> QuerySet:
    return queue_to_handle(user).filter(deadline_at__lt=now or timezone.now())


def queue_recently_closed(user: AbstractBaseUser, now=None) -> QuerySet:
    scope = handler_scope(user)
    if scope is None:
        return Incident.objects.none()
    since = (now or timezone.now()) - timedelta(days=RECENTLY_CLOSED_DAYS)
    return never_concerned(
        Incident.objects.filter(scope, level=Level.CLOSED, closed_at__gte=since), user
    ).order_by("-closed_at", "-id")


def queue_counts(user: AbstractBaseUser, now=None) -> dict[str, int]:
    """To handle and overdue, in one query (home panel and navigation)."""
    now = now or timezone.now()
    return (
        queue_to_handle(user)
        .order_by()
        .aggregate(to_handle=Count("pk"), overdue=Count("pk", filter=Q(deadline_at__lt=now)))
    )


def sees_institution_counts(user: AbstractBaseUser) -> bool:
    """HR follows the number of incidents in the institution, never their content (§7.5)."""
    return roles_for(user).is_hr


def institution_counts(now=None) -> dict[str, int]:
    """HR sees counts only, never content (§7.5 is about information, not investigation)."""
    now = now or timezone.now()
    since = now - timedelta(days=30)
    return Incident.objects.order_by().aggregate(
        open=Count("pk", filter=~Q(level=Level.CLOSED)),
        overdue=Count("pk", filter=~Q(level=Level.CLOSED) & Q(deadline_at__lt=now)),
        declared_30d=Count("pk", filter=Q(created_at__gte=since)),
        closed_30d=Count("pk", filter=Q(closed_at__gte=since)),
    )
