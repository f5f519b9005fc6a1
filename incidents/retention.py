"""Retention: the configured, logged job that is the only way anything leaves the incidents app
(docs/rules.md: nothing is ever hard-deleted by a user).

Two rules, applied daily by the task `incidents.apply_retention` and by `manage.py apply_retention`:

1. A register entry is deleted, with its history, once its keep-until date has passed, and never
   before: the date stored on the entry and the date recomputed with today's setting must both be
   past (a longer period configured later protects the entries already written). The register's
   period is at least five years after the incident became known (Quebec privacy law).
2. A closed incident is *épuré* INCIDENT_RETENTION_YEARS after its closure (never fewer years than
   the register's): its evidence files are erased from private storage and every free text (what
   was seen, links, reasons, messages, internal notes, measures' descriptions and deciders, takedown
   details, event notes) is replaced by a fixed mention. The incident row and its structure stay
   (reference, dates, category, levels, outcome, who acted when): other rows point to it, the
   statistics and the audit of who handled what stay true, and a purged incident no longer holds
   anything anyone wrote. The register entry of the incident is governed by rule 1 only.

Every action writes a RetentionLog row (with counts) and the purge an event on the incident's
timeline; each run writes a summary row. A second run finds nothing more to do (idempotent); two
runs at once are safe (each incident is locked, and a purged incident has exactly one purge row).
A dry run computes the same counts and writes nothing, neither rows nor files.

Both periods come from the settings, read at call time by `retention_periods`, which refuses a period
shorter than the law or the register allows (ImproperlyConfigured); a system check (incidents.checks)
calls it so that a bad value stops `manage.py check` and the server at startup. Dates move by whole
years with `portal.dates.add_years` (29 February becomes 28 February).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.dates import add_years
from portal.storage import private_storage
from portal.workflow import record_event

from .evidence import delete_private, delete_thumbnail
from .models import (
    Event,
    Evidence,
    Incident,
    InternalNote,
    Measure,
    Message,
    RegisterEntry,
    RetentionLog,
    Takedown,
)
from .models.register import MINIMUM_RETENTION_YEARS

logger = logging.getLogger("incidents.retention")

PURGED_TEXT = "[Épuré : délai de conservation échu]"
PURGED_FILE_NAME = "fichier-epure"


class RetentionPeriods(NamedTuple):
    register_years: int
    incident_years: int


def retention_periods() -> RetentionPeriods:
    """The two periods, from the settings read now; a period the rules forbid is refused, never adjusted.

    Register entries: REGISTER_RETENTION_YEARS after the incident became known, at least five (Quebec
    privacy law). Closed incidents: INCIDENT_RETENTION_YEARS after closure, never fewer than the register
    keeps its entries (docs/rules.md).
    """
    register_years = _whole_years("REGISTER_RETENTION_YEARS")
    incident_years = _whole_years("INCIDENT_RETENTION_YEARS")
    if register_years < MINIMUM_RETENTION_YEARS:
        raise ImproperlyConfigured(
            f"REGISTER_RETENTION_YEARS is {register_years}: the confidentiality-incident register is kept "
            f"at least {MINIMUM_RETENTION_YEARS} years (Quebec privacy law). Set it to "
            f"{MINIMUM_RETENTION_YEARS} or more."
        )
    if incident_years < register_years:
        raise ImproperlyConfigured(
            f"INCIDENT_RETENTION_YEARS is {incident_years}, shorter than REGISTER_RETENTION_YEARS "
            f"({register_years}): closed incidents are kept at least as long as their register entries. "
            f"Set it to {register_years} or more."
        )
    return RetentionPeriods(register_years, incident_years)


def _whole_years(name: str) -> int:
    value = getattr(settings, name, None)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ImproperlyConfigured(f"{name} must be a whole number of years, not {value!r}.")
    return value


def register_keep_until(entry: RegisterEntry) -> date:
    """The date an entry is kept through: REGISTER_RETENTION_YEARS after the institution learned of the
    incident (the end of the knowledge period when one is given). From 29 February, 28 February."""
    return add_years(entry.known_on, retention_periods().register_years)


@dataclass
class RetentionReport:
    dry_run: bool
    today: date
    register_years: int
    incident_years: int
    run: uuid.UUID = field(default_factory=uuid.uuid4)
    register_entries_deleted: int = 0
    register_history_rows_deleted: int = 0
    incidents_purged: int = 0
    evidence_files_deleted: int = 0
    texts_purged: int = 0
    references: list[str] = field(default_factory=list)

    def counts(self) -> dict:
        data = asdict(self)
        data.pop("references")
        data["run"] = str(self.run)
        data["today"] = self.today.isoformat()
        return data


# --- Register entries ---------------------------------------------------------------------------


def _expired_entries(today: date):
    return RegisterEntry.objects.filter(keep_until__lt=today).order_by("keep_until", "pk")


def _delete_entry(pk: int, report: RetentionReport) -> None:
    with transaction.atomic():
        entry = (
            RegisterEntry.objects.select_for_update(of=("self",))
            .select_related("incident")
            .filter(pk=pk)
            .first()
        )
        if entry is None:  # another run took it
            return
        # Never before the keep-until date: the stored one and the one today's setting gives.
        if entry.keep_until >= report.today or register_keep_until(entry) >= report.today:
            return
        history = entry.events.count()
        reference = entry.reference
        if not report.dry_run:
            entry.events.all().delete()
            entry.delete()
            RetentionLog.objects.create(
                run=report.run,
                action=RetentionLog.Action.REGISTER_ENTRY_DELETED,
                incident=entry.incident,
                reference=reference,
                counts={"history_rows": history, "keep_until": entry.keep_until.isoformat()},
            )
        report.register_entries_deleted += 1
        report.register_history_rows_deleted += history
        report.references.append(reference)
        logger.info(
            "%sregister entry %s of %s deleted (kept until %s, %d history rows)",
            "[dry run] " if report.dry_run else "",
            reference,
            entry.incident.reference,
            entry.keep_until,
            history,
        )


# --- Incidents ----------------------------------------------------------------------------------


def _closure_cutoff(today: date, years: int) -> datetime:
    return timezone.make_aware(datetime.combine(add_years(today, -years), time.min))


def _incidents_due(today: date, years: int):
    purged = RetentionLog.objects.filter(action=RetentionLog.Action.INCIDENT_PURGED)
    return (
        Incident.objects.filter(level=Incident.Level.CLOSED, closed_at__lt=_closure_cutoff(today, years))
        .exclude(pk__in=purged.values("incident_id"))
        .order_by("closed_at", "pk")
    )


def _text_changes(incident: Incident) -> list[tuple]:
    """(queryset of rows still holding text, values that replace it) for every free text of an incident."""
    return [
        (Message.objects.filter(incident=incident).exclude(body=PURGED_TEXT), {"body": PURGED_TEXT}),
        (InternalNote.objects.filter(incident=incident).exclude(body=PURGED_TEXT), {"body": PURGED_TEXT}),
        (
            Measure.objects.filter(incident=incident).exclude(description=PURGED_TEXT, decided_by="—"),
            {"description": PURGED_TEXT, "decided_by": "—"},
        ),
        (Takedown.objects.filter(incident=incident).exclude(details=""), {"details": ""}),
        (Event.objects.filter(incident=incident).exclude(note=""), {"note": ""}),
        (
            Evidence.objects.filter(incident=incident).exclude(original_name=PURGED_FILE_NAME),
            {"original_name": PURGED_FILE_NAME},
        ),
    ]


def _purge_incident_fields(incident: Incident) -> tuple[int, list[str]]:
    changed: list[str] = []
    if incident.description != PURGED_TEXT:
        incident.description = PURGED_TEXT
        changed.append("description")
    if incident.links:
        incident.links = ""
        changed.append("links")
    # Both reasons are required by constraints when they were required at the time: keep the mention.
    if incident.route_reason and incident.route_reason != PURGED_TEXT:
        incident.route_reason = PURGED_TEXT
        changed.append("route_reason")
    if incident.closure_reason and incident.closure_reason != PURGED_TEXT:
        incident.closure_reason = PURGED_TEXT
        changed.append("closure_reason")
    return len(changed), changed


def _purge_incident(pk: int, report: RetentionReport) -> None:
    with transaction.atomic():
        incident = Incident.objects.select_for_update().filter(pk=pk).first()
        if incident is None or not incident.is_closed:
            return
        if RetentionLog.objects.filter(
            action=RetentionLog.Action.INCIDENT_PURGED, incident=incident
        ).exists():
            return  # another run purged it meanwhile
        texts, changed = _purge_incident_fields(incident)
        for queryset, values in _text_changes(incident):
            texts += queryset.count() if report.dry_run else queryset.update(**values)
        stored = list(Evidence.objects.filter(incident=incident).values_list("stored_name", flat=True))
        files = 0
        storage = private_storage()
        for name in stored:
            try:
                if report.dry_run:
                    files += storage.exists(name)
                    continue
                # Erased inside the transaction: if it rolls back, the next run purges the rest. The
                # thumbnail drawn for the incident page (incidents.evidence.thumbnails) goes with its file.
                delete_thumbnail(name)
                if delete_private(name):
                    files += 1
            except ValueError:
                continue
        counts = {"evidence_files": files, "evidence_rows": len(stored), "texts": texts}
        if not report.dry_run:
            if changed:
                incident.save(update_fields=[*changed, "updated_at"])
            record_event(
                incident,
                actor=None,
                before=incident.status,
                after=incident.status,
                note=_("%(files)d fichier(s) effacé(s), %(texts)d texte(s) épuré(s)")
                % {"files": files, "texts": texts},
                kind=Event.Kind.RETENTION_PURGED,
                from_level=incident.level,
                to_level=incident.level,
            )
            RetentionLog.objects.create(
                run=report.run,
                action=RetentionLog.Action.INCIDENT_PURGED,
                incident=incident,
                reference=incident.reference,
                counts=counts,
            )
        report.incidents_purged += 1
        report.evidence_files_deleted += files
        report.texts_purged += texts
        report.references.append(incident.reference)
        logger.info(
            "%sincident %s purged (closed %s): %d evidence files, %d texts",
            "[dry run] " if report.dry_run else "",
            incident.reference,
            incident.closed_at.date(),
            files,
            texts,
        )


# --- The job ------------------------------------------------------------------------------------


def retention_apply(*, dry_run: bool = False, today: date | None = None) -> RetentionReport:
    """Apply both rules once (docs/rules.md; register: at least five years, Quebec privacy law).

    A retention period the rules forbid stops the run before anything is touched (ImproperlyConfigured).
    """
    periods = retention_periods()
    report = RetentionReport(
        dry_run=dry_run,
        today=today or timezone.localdate(),
        register_years=periods.register_years,
        incident_years=periods.incident_years,
    )
    entry_ids = list(_expired_entries(report.today).values_list("pk", flat=True))
    for pk in entry_ids:
        _delete_entry(pk, report)
    incident_ids = list(_incidents_due(report.today, report.incident_years).values_list("pk", flat=True))
    for pk in incident_ids:
        _purge_incident(pk, report)
    if not dry_run:
        RetentionLog.objects.create(run=report.run, action=RetentionLog.Action.RUN, counts=report.counts())
    logger.info("%sretention run %s: %s", "[dry run] " if dry_run else "", report.run, report.counts())
    return report
