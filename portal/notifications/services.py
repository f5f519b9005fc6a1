"""The one call every feature uses to tell a person something (outbox pattern), and the person's own
actions on their notifications (mark read, preferences)."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .kinds import get_kind
from .models import Notification, NotificationPreference

logger = logging.getLogger(__name__)

# Context values are short labels (a date, a count, a code): a longer text is most likely the content of
# an incident or a person's details, which never go into a notification.
CONTEXT_MAX_CHARS = 80
BULK_SIZE = 1000
FAN_OUT_CHUNK = 50


def _reference_of(target: models.Model | None) -> str:
    if target is None:
        return ""
    for attr in ("reference", "notification_reference"):
        value = getattr(target, attr, None)
        if value:
            return str(value)[:60]
    return f"{target._meta.verbose_name} #{target.pk}"[:60]


def _link_of(target: models.Model | None) -> str:
    get_url = getattr(target, "get_absolute_url", None)
    return get_url() if callable(get_url) else ""


def _clean_context(context: dict[str, Any] | None) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for key, value in (context or {}).items():
        if isinstance(value, datetime.datetime):
            value = (
                timezone.localdate(value).isoformat()
                if timezone.is_aware(value)
                else value.date().isoformat()
            )
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        elif isinstance(value, Decimal | UUID):
            value = str(value)
        elif value is not None and not isinstance(value, str | int | float | bool):
            raise ValueError(
                f"Notification context {key!r}: only short values (text, number, date) are allowed"
            )
        if isinstance(value, str) and len(value) > CONTEXT_MAX_CHARS:
            raise ValueError(
                f"Notification context {key!r} is {len(value)} characters long: a notification carries a "
                "reference and a link, never the text of an incident or personal information"
            )
        cleaned[str(key)] = value
    return cleaned


def _digest_user_ids(user_ids: Iterable[int]) -> set[int]:
    ids = list(user_ids)
    found: set[int] = set()
    for start in range(0, len(ids), BULK_SIZE):
        found.update(
            NotificationPreference.objects.filter(
                user_id__in=ids[start : start + BULK_SIZE], reminders=NotificationPreference.Reminders.DIGEST
            ).values_list("user_id", flat=True)
        )
    return found


def _build(
    *,
    kind: str,
    recipient_id: int,
    target: models.Model | None,
    context: dict[str, Any],
    urgent: bool | None,
    link: str | None,
    digest_ids: set[int] | None,
) -> Notification:
    spec = get_kind(kind)
    is_urgent = spec.urgent if urgent is None else urgent
    to_digest = False
    if spec.reminder and not is_urgent:
        if digest_ids is None:
            digest_ids = _digest_user_ids([recipient_id])
        to_digest = recipient_id in digest_ids
    return Notification(
        recipient_id=recipient_id,
        kind=kind,
        urgent=is_urgent,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        reference=_reference_of(target),
        link=(link if link is not None else _link_of(target))[:300],
        context=context,
        digest=to_digest,
        email_status=Notification.EmailStatus.DIGEST if to_digest else Notification.EmailStatus.PENDING,
    )


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
    A reminder for a person who chose the daily digest waits for the digest; urgent kinds never do.
    """
    notification = _build(
        kind=kind,
        recipient_id=recipient.pk,
        target=target,
        context=_clean_context(context),
        urgent=urgent,
        link=link,
        digest_ids=None,
    )
    notification.save()
    if notification.email_status == Notification.EmailStatus.PENDING:
        transaction.on_commit(lambda: enqueue_delivery(notification.pk))
    return notification


def notify_many(
    *,
    kind: str,
    recipients: Iterable[AbstractBaseUser | int],
    target: models.Model | None = None,
    context: dict[str, Any] | None = None,
    urgent: bool | None = None,
    link: str | None = None,
) -> list[Notification]:
    """`notify` for many people at once (a campaign, every DCAI officer): one row each, written in bulk.

    Recipients are users or user ids (a launch names twenty thousand people by id). A person listed
    twice gets one notification. Delivery is handed to Celery in chunks after commit.
    """
    unique = list(dict.fromkeys(r if isinstance(r, int) else r.pk for r in recipients))
    if not unique:
        return []
    cleaned = _clean_context(context)
    digest_ids = _digest_user_ids(unique) if get_kind(kind).reminder else set()
    rows = [
        _build(
            kind=kind,
            recipient_id=user_id,
            target=target,
            context=dict(cleaned),
            urgent=urgent,
            link=link,
            digest_ids=digest_ids,
        )
        for user_id in unique
    ]
    created = Notification.objects.bulk_create(rows, batch_size=BULK_SIZE)
    # Backends that return no ids from a bulk insert leave the rows to the sweep.
    ids = [row.pk for row in created if row.pk is not None and row.email_status == Notification.EmailStatus.PENDING]
    if ids:
        transaction.on_commit(lambda: enqueue_deliveries(ids))
    return created


def notify_people(
    kind: str,
    recipients: Iterable[AbstractBaseUser | int],
    *,
    target: models.Model | None = None,
    actor: AbstractBaseUser | None = None,
    exclude: Iterable[int | None] = (),
    context: dict[str, Any] | None = None,
    urgent: bool | None = None,
    link: str | None = None,
) -> int:
    """The one way a state change tells people (docs/architecture.md, "State changes").

    Each active person once; never the actor (they know what they did) and never anyone in `exclude`
    (user ids, e.g. the person an incident concerns, who is never told of it). Rows are written in the
    caller's transaction and delivered after commit. Returns how many people were told.
    """
    from django.contrib.auth import get_user_model

    skipped = {pk for pk in exclude if pk is not None}
    if actor is not None:
        skipped.add(actor.pk)
    wanted = [pk for pk in dict.fromkeys(r if isinstance(r, int) else r.pk for r in recipients) if pk not in skipped]
    if not wanted:
        return 0
    users = get_user_model().objects.filter(is_active=True)
    active: set[int] = set()
    for start in range(0, len(wanted), BULK_SIZE):
        active.update(users.filter(pk__in=wanted[start : start + BULK_SIZE]).values_list("pk", flat=True))
    ids = [pk for pk in wanted if pk in active]
    notify_many(kind=kind, recipients=ids, target=target, context=context, urgent=urgent, link=link)
    return len(ids)


def enqueue_delivery(notification_id: int) -> None:
    """Hand the row to Celery. If the broker is down the row stays pending for the sweep."""
    from .tasks import deliver_notification

    try:
        deliver_notification.delay(notification_id)
    except Exception:  # broker unreachable: the periodic sweep will deliver it
        logger.warning(
            "Could not enqueue notification %s; the sweep will deliver it", notification_id, exc_info=True
        )


def enqueue_deliveries(notification_ids: list[int]) -> None:
    """Hand many rows to Celery in a few messages (chunks), so a large batch publishes in milliseconds."""
    from .tasks import deliver_notifications

    if len(notification_ids) == 1:
        enqueue_delivery(notification_ids[0])
        return
    for start in range(0, len(notification_ids), FAN_OUT_CHUNK):
        chunk = notification_ids[start : start + FAN_OUT_CHUNK]
        try:
            deliver_notifications.delay(chunk)
        except Exception:  # broker unreachable: stop trying, the sweep delivers the rest
            logger.warning(
                "Could not enqueue %s notifications; the sweep will deliver them",
                len(notification_ids) - start,
                exc_info=True,
            )
            return


# --- A person's own notifications ----------------------------------------------------------------


def notification_mark_read(*, user: AbstractBaseUser, notification: Notification) -> Notification:
    """Mark one of the person's own notifications read (callers fetch it with `get_notification_for`)."""
    if notification.recipient_id != user.pk:
        raise PermissionDenied("A person only marks their own notifications")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_settled(*, user: AbstractBaseUser, kinds: Iterable[str], targets: Iterable[models.Model]) -> int:
    """What a notice asked of the person is done (e.g. the policy confirmed): its notices are read."""
    targets = list(targets)
    if not targets:
        return 0
    content_type = ContentType.objects.get_for_model(targets[0])
    return Notification.objects.filter(
        recipient=user,
        read_at__isnull=True,
        kind__in=list(kinds),
        target_type=content_type,
        target_id__in=[str(target.pk) for target in targets],
    ).update(read_at=timezone.now())


def notifications_mark_all_read(*, user: AbstractBaseUser) -> int:
    """Mark every unread notification of the person read; returns how many changed."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def preference_set(*, user: AbstractBaseUser, reminders: str) -> NotificationPreference:
    """Choose how reminders arrive by email: each one, or one daily digest.

    Reminders already waiting for the digest are still sent with it; later ones follow the new choice.
    """
    if reminders not in NotificationPreference.Reminders.values:
        raise ValidationError({"reminders": _("Choisissez une façon de recevoir les rappels.")})
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"reminders": reminders}
    )
    return preference


# --- Administration ------------------------------------------------------------------------------


def notifications_retry(*, ids: Iterable[int] | None = None) -> int:
    """Put failed deliveries back in the outbox (attempt counter reset) and hand them to Celery.

    Without `ids`, every failed delivery is retried. Reminders meant for the digest go back to the digest.
    """
    failed = Notification.objects.filter(email_status=Notification.EmailStatus.FAILED)
    if ids is not None:
        failed = failed.filter(pk__in=list(ids))
    with transaction.atomic():
        to_retry = list(failed.select_for_update().values_list("pk", "digest"))
        direct = [pk for pk, digest in to_retry if not digest]
        digest = [pk for pk, digest in to_retry if digest]
        common = {"attempts": 0, "claimed_at": None, "next_attempt_at": None}
        Notification.objects.filter(pk__in=direct).update(
            email_status=Notification.EmailStatus.PENDING, **common
        )
        Notification.objects.filter(pk__in=digest).update(
            email_status=Notification.EmailStatus.DIGEST, **common
        )
        if direct:
            transaction.on_commit(lambda: enqueue_deliveries(direct))
    return len(to_retry)
