"""Register completeness (Quebec privacy law; §7.3; docs/rules.md, "Confidentiality-incident register").

- An incident that may have exposed personal information (patient, staff or visitor information) is
  closed by DCAI only when it is in the register or DCAI has recorded why it is not a confidentiality
  incident (`register_decision_record`; the reason is kept on the incident's timeline).
- A register entry with a risk of serious injury is reminded to DCAI until the Commission and the
  persons concerned are notified (both dates recorded): the first reminder at once, then every
  REGISTER_REMINDER_WORKING_DAYS working days. Each reminder is a numbered row written once.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.roles import dcai_officers
from portal.workflow import lock

from .. import rules
from ..deadlines import add_working_days
from ..models import Event, Incident, RegisterDecision, RegisterEntry, RegisterNoticeReminder
from ._common import IncidentActionError, log, notify_about, require

PERSONAL_CATEGORIES = (Incident.Category.PATIENT_INFO, Incident.Category.STAFF_INFO)
PERSONAL_CONCERNED = ("patient", "staff", "visitor")


def personal_information_condition() -> Q:
    """The category or the answers say personal information may have been exposed."""
    return (
        Q(patient_info_exposed=True)
        | Q(category__in=PERSONAL_CATEGORIES)
        | Q(category=Incident.Category.CONFIDENTIAL, concerned_kind__in=PERSONAL_CONCERNED)
    )


def may_expose_personal_information(incident: Incident) -> bool:
    """The same rule as `personal_information_condition`, on a loaded incident (no query)."""
    return (
        incident.patient_info_exposed
        or incident.category in PERSONAL_CATEGORIES
        or (incident.category == Incident.Category.CONFIDENTIAL and incident.concerned_kind in PERSONAL_CONCERNED)
    )


def awaiting_register_decision(incidents: QuerySet[Incident]) -> QuerySet[Incident]:
    """Those of `incidents` that need a register entry or a reasoned decision and have neither."""
    return incidents.filter(personal_information_condition()).exclude(
        Exists(RegisterEntry.objects.filter(incident=OuterRef("pk")))
        | Exists(RegisterDecision.objects.filter(incident=OuterRef("pk")))
    )


def register_gap(incident: Incident) -> bool:
    return awaiting_register_decision(Incident.objects.filter(pk=incident.pk)).exists()


def require_register_decision(incident: Incident) -> None:
    """Called by DCAI's closing (incidents.services.handling.incident_close)."""
    if register_gap(incident):
        raise IncidentActionError(
            _(
                "Des renseignements personnels ont pu être exposés : inscrivez l'incident au registre des "
                "incidents de confidentialité ou consignez pourquoi ce n'en est pas un avant de le fermer."
            )
        )


def register_decision_record(*, incident: Incident, actor: AbstractBaseUser, reason: str) -> RegisterDecision:
    """DCAI records why the incident is not a confidentiality incident (§7.3); never changed afterwards."""
    reason = (reason or "").strip()
    if not reason:
        raise IncidentActionError(_("Expliquez pourquoi ce n'est pas un incident de confidentialité."))
    with transaction.atomic():
        incident = lock(incident)
        require(actor, incident, rules.REGISTER)
        if RegisterEntry.objects.filter(incident=incident).exists():
            raise IncidentActionError(_("Cet incident est déjà inscrit au registre."))
        if RegisterDecision.objects.filter(incident=incident).exists():
            raise IncidentActionError(_("La décision est déjà consignée pour cet incident."))
        decision = RegisterDecision.objects.create(incident=incident, reason=reason, decided_by=actor)
        log(incident, kind=Event.Kind.NOT_A_CONFIDENTIALITY_INCIDENT, actor=actor, note=reason)
    return decision


# --- Notice reminders --------------------------------------------------------------------------------


def notices_missing() -> Q:
    return Q(serious_injury_risk=True) & (Q(cai_notified_on__isnull=True) | Q(persons_notified_on__isnull=True))


def reminder_due_at(entry: RegisterEntry, number: int) -> datetime:
    """Reminder 1 at once (when the entry is written), then one every N working days."""
    step = int(settings.REGISTER_REMINDER_WORKING_DAYS)
    return add_working_days(entry.created_at, step * (number - 1))


def register_send_notice_reminders(*, now: datetime | None = None) -> int:
    """Beat: remind DCAI of each entry whose notices are missing, when its next reminder is due.

    Idempotent: the reminder number is claimed by a unique row before anyone is told, so two runs (or two
    workers) never send the same reminder twice; a run that missed several slots sends one.
    """
    now = now or timezone.now()
    sent = 0
    entries = RegisterEntry.objects.filter(notices_missing()).select_related("incident")
    for entry in entries.iterator(chunk_size=500):
        done = entry.notice_reminders.order_by("-number").values_list("number", flat=True).first() or 0
        number = done + 1
        if reminder_due_at(entry, number) > now:
            continue
        # Catch up to the last slot already due, so a stopped worker does not send a burst afterwards.
        while reminder_due_at(entry, number + 1) <= now:
            number += 1
        try:
            with transaction.atomic():
                RegisterNoticeReminder.objects.create(entry=entry, number=number, sent_at=now)
                notify_about(
                    entry.incident,
                    "incidents.register_notice_due",
                    dcai_officers(),
                    context={"entry": entry.reference, "number": number},
                )
        except IntegrityError:
            continue  # another worker claimed it
        sent += 1
    return sent
