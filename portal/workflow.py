"""One way to change state, used by every app (docs/architecture.md, "State changes").

A state change is a service that, inside `transaction.atomic()`:

1. locks the row (`lock`),
2. asks the model's `Workflow` whether the action is allowed from the row's state (`transition`),
3. writes the new state and one event row (`EventBase`: actor, from/to state, note, created_at),
4. writes its notifications (`portal.notifications.services.notify_people`), delivered after commit.

A `Workflow` maps each state to the actions allowed from it and the state each action leads to
(`None`: the action is allowed but the state stays, e.g. adding a note). Pages compute their buttons
from the same map (`Workflow.actions`), so a button is shown exactly when the service would accept it,
as far as the state goes; who may act is the app's own rule, checked in the same service.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import QuickChoiceLabels

M = TypeVar("M", bound=models.Model)


class EventBase(QuickChoiceLabels, models.Model):
    """One step in the life of a row: who did what, when, from which state to which, with a note.

    Rows are only ever added. The actor is kept (PROTECT): people are deactivated, never deleted, and
    an event must always say who acted; `None` is the portal itself (a deadline, a daily job).
    Each concrete model adds the foreign key to its subject with `related_name="events"` and the
    field that names the action.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    from_status = models.CharField(gettext_lazy("statut avant"), max_length=20, blank=True)
    to_status = models.CharField(gettext_lazy("statut après"), max_length=20, blank=True)
    note = models.TextField(gettext_lazy("note"), blank=True)
    created_at = models.DateTimeField(gettext_lazy("le"), auto_now_add=True, db_index=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]


@dataclass(frozen=True)
class Workflow:
    """state -> {action: next state, or None when the action leaves the state as it is}."""

    moves: Mapping[str, Mapping[str, str | None]]
    labels: Mapping[str, Any] = field(default_factory=dict)

    def actions(self, state: str) -> frozenset[str]:
        """Every action allowed from `state` (what a page may offer, state-wise)."""
        return frozenset(self.moves.get(state, {}))

    def allows(self, state: str, action: str) -> bool:
        return action in self.moves.get(state, {})

    def next_state(self, state: str, action: str) -> str:
        """The state `action` leads to from `state`; a clear ValidationError when it is not allowed."""
        if not self.allows(state, action):
            label = self.labels.get(state, state)
            raise ValidationError(
                _("Cette action n'est plus possible : l'état actuel est « %(state)s ».") % {"state": label},
                code="invalid_transition",
            )
        target = self.moves[state][action]
        return state if target is None else target

    def states_allowing(self, action: str) -> frozenset[str]:
        """Every state from which `action` is allowed (for queries: `status__in=…`)."""
        return frozenset(state for state, actions in self.moves.items() if action in actions)


def lock(obj: M, *related: str) -> M:
    """The row again, locked until the end of the transaction (only the row: `of=("self",)`)."""
    manager = type(obj)._default_manager
    return manager.select_for_update(of=("self",)).select_related(*related).get(pk=obj.pk)


def record_event(obj: models.Model, *, actor, before: str, after: str, note: str = "", **fields: Any):
    """Write one event row on `obj.events` (the related name every subject gives its events)."""
    return obj.events.create(actor=actor, from_status=before, to_status=after, note=note, **fields)


def transition(
    obj: models.Model,
    *,
    workflow: Workflow,
    action: str,
    actor,
    note: str = "",
    state_field: str = "status",
    update_fields: Iterable[str] | None = (),
    event: Mapping[str, Any] | None = None,
):
    """Move a locked row by `action`: check the map, set the state, save, write the event row.

    `update_fields` lists the other fields the caller changed on `obj` (None: save every field);
    `event` holds the concrete event model's own fields (e.g. `{"action": "confirmed"}`).
    Returns the event row. Call inside `transaction.atomic()`, on a row from `lock()`.
    """
    before = getattr(obj, state_field)
    after = workflow.next_state(before, action)
    setattr(obj, state_field, after)
    if update_fields is None:
        obj.save()
    else:
        names = {state_field, *update_fields}
        if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
            names.add("updated_at")
        obj.save(update_fields=sorted(names))
    return record_event(obj, actor=actor, before=before, after=after, note=note, **dict(event or {}))
