"""Reads of the confidentiality-incident register: DCAI's alone (§7.3). Everyone else sees nothing, and
a page that names an entry answers 404, so the register's content is never revealed."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from portal.roles import roles_for

from ..models import Incident, RegisterEntry, RegisterEvent
from .visibility import pk_or_404


def may_keep_register(user: AbstractBaseUser) -> bool:
    """§7.3: DCAI keeps the register (its pages and the navigation entry)."""
    return roles_for(user).is_dcai


def register_entries_visible_to(user: AbstractBaseUser) -> QuerySet[RegisterEntry]:
    """Every entry for DCAI, except those of incidents naming the officer as concerned (docs/rules.md)."""
    roles = roles_for(user)
    if not may_keep_register(user):
        return RegisterEntry.objects.none()
    entries = RegisterEntry.objects.all()
    if roles.profile_id:
        # A subquery on the incidents naming the officer (an index lookup), not a join over every incident:
        # the register's list, count and years stay flat as incidents grow (docs/rules.md, "Performance").
        concerning = Incident.objects.filter(concerned_staff_id=roles.profile_id).values("pk")
        entries = entries.exclude(incident_id__in=concerning)
    return entries


def get_register_entry_for(user: AbstractBaseUser, pk) -> RegisterEntry:
    """The entry if this person may see it, else 404 (its existence is not revealed)."""
    entry = (
        register_entries_visible_to(user)
        .select_related("incident", "created_by", "updated_by")
        .filter(pk=pk_or_404(pk))
        .first()
    )
    if entry is None:
        raise Http404
    return entry


def register_entry_of(incident: Incident) -> RegisterEntry | None:
    """The entry of an incident, if it has one (call with an incident the person sees and may register)."""
    return RegisterEntry.objects.filter(incident=incident).first()


def register_history(entry: RegisterEntry) -> list[RegisterEvent]:
    """The history of an entry (fetched with get_register_entry_for), each change with its label and
    shown values; free-text items were named only, never copied."""
    events = list(entry.events.select_related("actor"))
    for event in events:
        event.changed = []
        for change in event.changes:
            try:
                field = RegisterEntry._meta.get_field(change["field"])
            except FieldDoesNotExist:  # a field renamed since: show its name
                event.changed.append({"label": change["field"], **change})
                continue
            shown = {"label": field.verbose_name, **change}
            for key in ("before", "after"):
                if key in change:
                    shown[key] = _history_value(field, change[key])
            event.changed.append(shown)
    return events


def _history_value(field, value):
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    return value
