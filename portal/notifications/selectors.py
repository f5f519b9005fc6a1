"""Reads of notifications, always scoped to the person: nobody sees another person's notifications."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from portal.roles import roles_for

from .models import Notification, NotificationPreference

_UNREAD_CACHE = "_notifications_unread_count"


def notifications_visible_to(user: AbstractBaseUser) -> QuerySet[Notification]:
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user).only(
        "id", "recipient_id", "kind", "urgent", "reference", "link", "context", "created_at", "read_at"
    )


def get_notification_for(user: AbstractBaseUser, pk: int) -> Notification:
    """The person's own notification, or 404 (someone else's id answers as if it did not exist)."""
    return get_object_or_404(notifications_visible_to(user), pk=pk)


def unread_count(user: AbstractBaseUser) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def unread_count_for_request(request, *, refresh: bool = False) -> int:
    """Shared by the navigation and the home panel: read with the person's roles, in the query every
    request makes anyway (portal.roles); `refresh` counts again after this request changed it."""
    if refresh or not hasattr(request, _UNREAD_CACHE):
        user = getattr(request, "user", None)
        count = unread_count(user) if refresh else roles_for(user).unread_notifications
        setattr(request, _UNREAD_CACHE, count)
    return getattr(request, _UNREAD_CACHE)


def preference_for(user: AbstractBaseUser) -> NotificationPreference:
    """The person's preference (an unsaved default when never chosen)."""
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)
