"""Writes to the confidentiality-incident register (§7.3: DCAI keeps it; R-22.1, r. 1, art. 15 and
A-2.1, r. 3.1, art. 7; docs/rules.md).

Only DCAI writes (`incidents.rules.REGISTER`, asked like every other action on the incident). Each write
locks the rows, checks the eight items (`RegisterEntry.clean`), computes the keep-until date
(`incidents.retention.register_keep_until`), writes a history row on the entry and an event on the
incident's timeline, in one transaction. Nobody is notified: the register is DCAI's own record and
nobody else has to act.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.workflow import lock, record_event

from .. import rules
from ..models import Event, Incident, RegisterEntry, RegisterEvent
from ..retention import register_keep_until
from ._common import IncidentActionError, log, require

EDITABLE_FIELDS = (
    "regime",
    "information_description",
    "information_not_described_reason",
    "circumstances",
    "incident_start",
    "incident_end",
    "incident_date_approximate",
    "incident_date_note",
    "learned_start",
    "learned_end",
    "persons_count",
    "persons_count_approximate",
    "persons_in_quebec",
    "risk_sensitivity",
    "risk_malicious_uses",
    "risk_consequences",
    "risk_likelihood",
    "serious_injury_risk",
    "risk_conclusion_reason",
    "minister_notified_on",
    "cai_notified_on",
    "persons_notified_on",
    "notices_pending_reason",
    "public_notice",
    "public_notice_reason",
    "measures",
)
TEXT_FIELDS = frozenset(
    f.name for f in RegisterEntry._meta.get_fields() if f.get_internal_type() == "TextField"
)


def default_regime(incident: Incident) -> str:
    """Patient information (§6.1) is health information held by a health body: R-22.1; otherwise A-2.1."""
    if incident.patient_info_exposed or incident.category == Incident.Category.PATIENT_INFO:
        return RegisterEntry.Regime.HEALTH
    return RegisterEntry.Regime.PUBLIC_BODY


def register_initial(incident: Incident) -> dict[str, Any]:
    """What the form starts from: the regime from the incident, the dates it already knows."""
    return {
        "regime": default_regime(incident),
        "incident_start": timezone.localtime(incident.seen_at).date(),
        "learned_start": timezone.localtime(incident.created_at).date(),
        "persons_count": 1,
    }


def _clean_values(values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not register items: {sorted(unknown)}")
    cleaned = dict(values)
    for name in TEXT_FIELDS & set(cleaned):
        cleaned[name] = (cleaned[name] or "").strip()
    return cleaned


def _validate(entry: RegisterEntry) -> None:
    entry.keep_until = register_keep_until(entry)
    entry.full_clean(exclude=["incident", "created_by", "updated_by"], validate_unique=False)


def _shown(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value


def _diff(before: dict[str, Any], entry: RegisterEntry) -> list[dict[str, Any]]:
    """What changed; free-text items are named only, so the history never copies personal information."""
    changes = []
    for name in EDITABLE_FIELDS:
        old, new = before[name], getattr(entry, name)
        if old == new:
            continue
        change: dict[str, Any] = {"field": name}
        if name not in TEXT_FIELDS:
            change.update(before=_shown(old), after=_shown(new))
        changes.append(change)
    return changes


def register_entry_create(
    *, incident: Incident, actor: AbstractBaseUser, values: Mapping[str, Any]
) -> RegisterEntry:
    """DCAI registers a confidentiality incident (§7.3; every one, even without a risk of serious injury)."""
    values = _clean_values(values)
    with transaction.atomic():
        incident = lock(incident)
        require(actor, incident, rules.REGISTER)
        if RegisterEntry.objects.filter(incident=incident).exists():
            raise IncidentActionError(_("Cet incident est déjà inscrit au registre."))
        entry = RegisterEntry(incident=incident, created_by=actor, **values)
        _validate(entry)
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError as error:  # the constraints repeat clean(); a race ends here
            raise IncidentActionError(
                _("L'inscription n'a pas pu être enregistrée : vérifiez les rubriques.")
            ) from error
        record_event(entry, actor=actor, before="", after="", kind=RegisterEvent.Kind.CREATED)
        log(incident, kind=Event.Kind.REGISTERED, actor=actor, note=entry.reference)
    return entry


def register_entry_update(
    *, entry: RegisterEntry, actor: AbstractBaseUser, values: Mapping[str, Any]
) -> RegisterEntry:
    """DCAI corrects or completes an entry (notices sent later, new count); each change is in the history."""
    values = _clean_values(values)
    with transaction.atomic():
        incident = lock(entry.incident)
        require(actor, incident, rules.REGISTER)
        entry = RegisterEntry.objects.select_for_update().get(pk=entry.pk)
        before = {name: getattr(entry, name) for name in EDITABLE_FIELDS}
        for name, value in values.items():
            setattr(entry, name, value)
        changes = _diff(before, entry)
        if not changes:
            return entry
        _validate(entry)
        entry.updated_by = actor
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError as error:
            raise IncidentActionError(
                _("La modification n'a pas pu être enregistrée : vérifiez les rubriques.")
            ) from error
        record_event(entry, actor=actor, before="", after="", kind=RegisterEvent.Kind.UPDATED, changes=changes)
        labels = ", ".join(str(RegisterEntry._meta.get_field(c["field"]).verbose_name) for c in changes)
        log(incident, kind=Event.Kind.REGISTER_UPDATED, actor=actor, note=f"{entry.reference} : {labels}")
    return entry


__all__ = [
    "EDITABLE_FIELDS",
    "default_regime",
    "register_entry_create",
    "register_entry_update",
    "register_initial",
]
