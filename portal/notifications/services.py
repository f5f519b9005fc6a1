"""The one call every feature uses to tell a person something (outbox pattern)."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from .kinds import get_kind
from .models import Notification

logger = logging.getLogger(__name__)


def _reference_of(target: models.Model | None) -> str:
    if target is None:
        return ""
    for attr in ("reference", "notification_reference"):
        value = getattr(target, attr, None)
        if value:
            return str(value)
    return f"{target._meta.verbose_name} #{target.pk}"


def _link_of(target: models.Model | None) -> str:
    get_url = getattr(target, "get_absolute_url", None)
    return get_url() if callable(get_url) else ""


def notify(
    *,
    kind: str,
    recipient: AbstractBaseUser,
    target: models.Model | None = None,
    context: dict[str, Any] | None = None,
    urgent: bool | None = None,
    link: str | None = None,
) -> Notification:
    """Write a notification row in the caller's transaction; deliver it after commit.

    `context` holds short, non-personal values (a reference, a date, a count) for the templates:
    never the text of an incident. Nothing is sent if the caller's transaction rolls back.
    """
    spec = get_kind(kind)
    notification = Notification.objects.create(
        recipient=recipient,
        kind=kind,
        urgent=spec.urgent if urgent is None else urgent,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        reference=_reference_of(target),
        link=link if link is not None else _link_of(target),
        context=context or {},
    )
    transaction.on_commit(lambda: enqueue_delivery(notification.pk))
    return notification


def notify_many(
    *, kind: str, recipients, target: models.Model | None = None, context: dict[str, Any] | None = None,
    urgent: bool | None = None,
) -> list[Notification]:
    seen: set[int] = set()
    created = []
    for user in recipients:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        created.append(notify(kind=kind, recipient=user, target=target, context=context, urgent=urgent))
    return created


def enqueue_delivery(notification_id: int) -> None:
    """Hand the row to Celery. If the broker is down the row stays pending for the sweep."""
    from .tasks import deliver_notification

    try:
        deliver_notification.delay(notification_id)
    except Exception:  # broker unreachable: the periodic sweep will deliver it
        logger.warning("Could not enqueue notification %s; the sweep will deliver it", notification_id, exc_info=True)
