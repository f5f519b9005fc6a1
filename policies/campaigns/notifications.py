"""Notification kinds of campaigns, and writing many notification rows at once.

`notify()` writes one row per call and `notify_many()` one context and link for everyone; a launch
writes twenty thousand rows, each with its own link (the person's request). `notify_bulk` writes
the same fields as notify() (digest routing included: a reminder for a person who chose the daily
digest waits for it) with one INSERT per batch in the caller's transaction, then hands the rows
to Celery in chunks after commit. Rows missed by a broker outage stay pending for the sweep.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from portal.notifications.kinds import get_kind, register
from portal.notifications.models import Notification, NotificationPreference
from portal.notifications.services import enqueue_deliveries

KIND_REQUEST = "campaigns.request"
KIND_REMINDER = "campaigns.reminder"
KIND_TEAM_OVERDUE = "campaigns.team_overdue"
KIND_LAUNCHED = "campaigns.launched"

INSERT_BATCH = 2000


def register_kinds() -> None:
    register(
        KIND_REQUEST,
        _("Prise de connaissance de la politique demandée"),
        detail=_("Lisez la politique et confirmez-en la prise de connaissance avant le %(due_on)s."),
    )
    # Reminders may be grouped in the daily digest of people who chose it.
    register(
        KIND_REMINDER,
        _("Rappel : prise de connaissance à confirmer"),
        reminder=True,
        detail=_("Échéance : %(due_on)s."),
    )
    register(
        KIND_TEAM_OVERDUE,
        _("Prises de connaissance en retard dans votre équipe"),
        detail=_("%(count)s membre(s) de votre équipe n'ont pas confirmé à l'échéance du %(due_on)s."),
    )
    register(
        KIND_LAUNCHED,
        _("Campagne de prise de connaissance lancée"),
        detail=_("%(count)s demande(s) créée(s)."),
    )


@dataclass(frozen=True)
class Message:
    recipient_id: int
    link: str = ""
    context: dict[str, Any] = field(default_factory=dict)


def _digest_user_ids(user_ids: list[int]) -> set[int]:
    found: set[int] = set()
    for start in range(0, len(user_ids), INSERT_BATCH):
        found.update(
            NotificationPreference.objects.filter(
                user_id__in=user_ids[start : start + INSERT_BATCH],
                reminders=NotificationPreference.Reminders.DIGEST,
            ).values_list("user_id", flat=True)
        )
    return found


def notify_bulk(*, kind: str, target: models.Model, messages: Iterable[Message]) -> list[int]:
    """Write one notification row per message (same fields as notify()); deliver after commit.

    Context holds short non-personal values only (a date, a count), never a name.
    Returns the ids of the rows written.
    """
    messages = list(messages)
    if not messages:
        return []
    spec = get_kind(kind)
    digest_ids = (
        _digest_user_ids([m.recipient_id for m in messages]) if spec.reminder and not spec.urgent else set()
    )
    target_type = ContentType.objects.get_for_model(target)
    reference = str(getattr(target, "reference", "") or f"{target._meta.verbose_name} #{target.pk}")[:60]
    default_link = target.get_absolute_url() if hasattr(target, "get_absolute_url") else ""
    rows = []
    for message in messages:
        to_digest = message.recipient_id in digest_ids
        rows.append(
            Notification(
                recipient_id=message.recipient_id,
                kind=kind,
                urgent=spec.urgent,
                target_type=target_type,
                target_id=str(target.pk),
                reference=reference,
                link=(message.link or default_link)[:300],
                context=message.context,
                digest=to_digest,
                email_status=Notification.EmailStatus.DIGEST
                if to_digest
                else Notification.EmailStatus.PENDING,
            )
        )
    created = Notification.objects.bulk_create(rows, batch_size=INSERT_BATCH)
    to_send = [row.pk for row in created if row.pk is not None and not row.digest]
    if to_send:
        # Backends that return no ids from a bulk insert leave the rows to the sweep.
        transaction.on_commit(lambda: enqueue_deliveries(to_send))
    return [row.pk for row in created]
