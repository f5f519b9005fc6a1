"""Retention (docs/rules.md; the register: Quebec privacy law): a configured, logged job. Register entries
are kept until their keep-until date and never deleted before; closed incidents lose their free text and
evidence files INCIDENT_RETENTION_YEARS after closure. Idempotent; a dry run changes nothing."""

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from incidents import services
from incidents.evidence import clean_uploads, private_path
from incidents.models import (
    Event,
    Evidence,
    Incident,
    InternalNote,
    Measure,
    Message,
    RegisterEntry,
    RegisterEvent,
    RetentionLog,
)
from incidents.retention import PURGED_FILE_NAME, PURGED_TEXT, retention_apply, retention_periods
from incidents.tasks import apply_retention

from .factories import declare, png_bytes, upload
from .test_register import values

TZ = ZoneInfo("America/Toronto")
Action = RetentionLog.Action


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


@pytest.fixture
def entry(org) -> RegisterEntry:
    """An entry written on 2020-01-20 for an incident learned of on 2020-01-15 (kept until 2025-01-15)."""
    with time_machine.travel(at("2020-01-15 10:00"), tick=False):
        incident = declare(
            org.user("alice"), category=Incident.Category.PATIENT_INFO, patient_info_exposed=True
        )
    with time_machine.travel(at("2020-01-20 10:00"), tick=False):
        entry = services.register_entry_create(
            incident=incident,
            actor=org.user("diane"),
            values=values(incident_start=date(2020, 1, 10), learned_start=date(2020, 1, 15)),
        )
    assert entry.keep_until == date(2025, 1, 15)
    return entry


@pytest.fixture
def closed_incident(org) -> Incident:
    """Declared with a screenshot on 2018-03-01, handled, closed by the manager on 2018-03-02."""
    with time_machine.travel(at("2018-03-01 10:00"), tick=False):
        incident = declare(
            org.user("alice"),
            description="Une description détaillée et nominative",
            links="https://facebook.example/post/9",
            evidence=clean_uploads([upload("capture.png", png_bytes())]),
        )
        bob = org.user("bob")
        services.incident_take_in_charge(incident=incident, actor=bob)
        services.incident_request_information(
            incident=incident, actor=bob, question="Quel compte exactement ?"
        )
        services.incident_answer_information(
            incident=incident, actor=org.user("alice"), answer="Le compte de M. X"
        )
        services.incident_add_note(incident=incident, actor=bob, body="Note interne nominative")
        services.incident_record_measure(
            incident=incident,
            actor=bob,
            kind=Measure.Kind.ADMINISTRATIVE,
            decided_by="Bob Test",
            decided_on=date(2018, 3, 1),
            description="Rencontre avec M. X",
        )
    with time_machine.travel(at("2018-03-02 10:00"), tick=False):
        services.incident_close(
            incident=incident, actor=bob, outcome="unfounded", reason="Aucune faute de M. X"
        )
    incident.refresh_from_db()
    assert incident.is_closed
    return incident


def _run(day: str, **kwargs):
    with time_machine.travel(at(f"{day} 03:00"), tick=False):
        return retention_apply(**kwargs)


def _evidence_paths(incident):
    return [
        private_path(name)
        for name in Evidence.objects.filter(incident=incident).values_list("stored_name", flat=True)
    ]


# --- Register entries ----------------------------------------------------------------------------


def test_entry_is_kept_until_its_keep_until_date(org, entry):
    for day in ("2024-12-31", "2025-01-15"):
        report = _run(day)
        assert report.register_entries_deleted == 0
        assert RegisterEntry.objects.filter(pk=entry.pk).exists()
    report = _run("2025-01-16")
    assert report.register_entries_deleted == 1 and report.register_history_rows_deleted == 1
    assert not RegisterEntry.objects.exists() and not RegisterEvent.objects.exists()
    log = RetentionLog.objects.get(action=Action.REGISTER_ENTRY_DELETED)
    assert (log.reference, log.incident_id) == (entry.reference, entry.incident_id)
    assert log.counts == {"history_rows": 1, "keep_until": "2025-01-15"}
    # The incident itself stays; its timeline still says it was registered.
    assert Event.objects.filter(incident=entry.incident, kind=Event.Kind.REGISTERED).exists()


def test_a_longer_period_configured_later_protects_existing_entries(org, entry, settings):
    settings.REGISTER_RETENTION_YEARS = settings.INCIDENT_RETENTION_YEARS = 8
    assert _run("2026-01-16").register_entries_deleted == 0
    assert RegisterEntry.objects.filter(pk=entry.pk).exists()
    assert _run("2028-01-16").register_entries_deleted == 1


def test_a_shorter_setting_stops_the_job_before_anything_goes(org, entry, closed_incident, settings):
    """Never below five years for the register, nor below the register for incidents: refused, not adjusted."""
    for register, incident in ((1, 7), (5, 1), (8, 6)):
        settings.REGISTER_RETENTION_YEARS, settings.INCIDENT_RETENTION_YEARS = register, incident
        with pytest.raises(ImproperlyConfigured):
            _run("2030-01-16")
    assert RegisterEntry.objects.filter(pk=entry.pk).exists()
    assert Incident.objects.get(pk=closed_incident.pk).description != PURGED_TEXT
    assert not RetentionLog.objects.exists()


# --- Incidents -----------------------------------------------------------------------------------


def test_incident_purged_after_its_retention_period(org, closed_incident):
    paths = _evidence_paths(closed_incident)
    assert paths and all(p.exists() for p in paths)
    assert retention_periods().incident_years == 7
    report = _run("2025-03-02")  # seven years after closure, not yet past
    assert report.incidents_purged == 0 and all(p.exists() for p in paths)

    report = _run("2025-03-03")
    assert report.incidents_purged == 1 and report.evidence_files_deleted == 1
    assert not any(p.exists() for p in paths)
    incident = Incident.objects.get(pk=closed_incident.pk)
    assert incident.description == PURGED_TEXT and incident.links == ""
    assert incident.closure_reason == PURGED_TEXT  # an unfounded closure keeps a (purged) reason
    assert (incident.reference, incident.category, incident.outcome) == (
        closed_incident.reference,
        closed_incident.category,
        "unfounded",
    )
    assert set(Message.objects.filter(incident=incident).values_list("body", flat=True)) == {PURGED_TEXT}
    assert set(InternalNote.objects.filter(incident=incident).values_list("body", flat=True)) == {PURGED_TEXT}
    measure = Measure.objects.get(incident=incident)
    assert (measure.description, measure.decided_by) == (PURGED_TEXT, "—")
    assert set(Evidence.objects.filter(incident=incident).values_list("original_name", flat=True)) == {
        PURGED_FILE_NAME
    }
    notes = Event.objects.filter(incident=incident).exclude(kind=Event.Kind.RETENTION_PURGED)
    assert set(notes.values_list("note", flat=True)) == {""}
    event = Event.objects.get(incident=incident, kind=Event.Kind.RETENTION_PURGED)
    assert event.actor is None and not event.visible_to_declarer
    log = RetentionLog.objects.get(action=Action.INCIDENT_PURGED)
    assert log.incident_id == incident.pk and log.reference == incident.reference
    assert log.counts["evidence_files"] == 1 and log.counts["texts"] == report.texts_purged >= 8
    run = RetentionLog.objects.filter(action=Action.RUN).order_by("-id").first()
    assert run.counts["incidents_purged"] == 1 and run.counts["dry_run"] is False


def test_purged_evidence_is_no_longer_served(org, login, closed_incident):
    item = Evidence.objects.get(incident=closed_incident)
    _run("2025-03-03")
    client = login(org.user("diane"))
    assert client.get(item.get_absolute_url()).status_code == 404
    page = client.get(closed_incident.get_absolute_url()).content.decode()
    assert "Une description détaillée" not in page and "Textes et preuves épurés" in page


def test_second_run_finds_nothing_to_do(org, closed_incident, entry):
    first = _run("2025-03-03")
    assert (first.incidents_purged, first.register_entries_deleted) == (1, 1)
    second = _run("2025-03-04")
    assert (second.incidents_purged, second.register_entries_deleted, second.texts_purged) == (0, 0, 0)
    assert RetentionLog.objects.filter(action=Action.INCIDENT_PURGED).count() == 1
    assert RetentionLog.objects.filter(action=Action.REGISTER_ENTRY_DELETED).count() == 1
    assert RetentionLog.objects.filter(action=Action.RUN).count() == 2
    assert Event.objects.filter(kind=Event.Kind.RETENTION_PURGED).count() == 1


def test_dry_run_changes_nothing(org, closed_incident, entry):
    paths = _evidence_paths(closed_incident)
    before = {
        "incident": Incident.objects.filter(pk=closed_incident.pk).values().get(),
        "events": list(Event.objects.values()),
        "messages": list(Message.objects.values()),
        "evidence": list(Evidence.objects.values()),
    }
    report = _run("2025-03-03", dry_run=True)
    assert (report.incidents_purged, report.register_entries_deleted, report.evidence_files_deleted) == (
        1,
        1,
        1,
    )
    assert report.texts_purged >= 8
    assert all(p.exists() for p in paths)
    assert RegisterEntry.objects.filter(pk=entry.pk).exists()
    assert not RetentionLog.objects.exists()
    assert before == {
        "incident": Incident.objects.filter(pk=closed_incident.pk).values().get(),
        "events": list(Event.objects.values()),
        "messages": list(Message.objects.values()),
        "evidence": list(Evidence.objects.values()),
    }
    # The real run then does what the dry run announced.
    real = _run("2025-03-03")
    assert (
        real.incidents_purged,
        real.register_entries_deleted,
        real.evidence_files_deleted,
        real.texts_purged,
    ) == (
        report.incidents_purged,
        report.register_entries_deleted,
        report.evidence_files_deleted,
        report.texts_purged,
    )


def test_open_incidents_are_never_purged(org):
    with time_machine.travel(at("2010-01-01 10:00"), tick=False):
        incident = declare(org.user("alice"), description="Toujours ouvert")
    assert _run("2030-01-01").incidents_purged == 0
    assert Incident.objects.get(pk=incident.pk).description == "Toujours ouvert"


def test_incident_retention_follows_the_setting_but_never_below_the_register(org, closed_incident, settings):
    settings.INCIDENT_RETENTION_YEARS = 10
    assert _run("2026-03-03").incidents_purged == 0
    assert _run("2028-03-03").incidents_purged == 1


# --- Entry points --------------------------------------------------------------------------------


def test_management_command_dry_run_and_real(org, closed_incident):
    out = StringIO()
    with time_machine.travel(at("2025-03-03 03:00"), tick=False):
        call_command("apply_retention", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "[simulation] Incidents épurés : 1" in text and closed_incident.reference in text
    assert not RetentionLog.objects.exists()
    assert Incident.objects.get(pk=closed_incident.pk).description != PURGED_TEXT
    out = StringIO()
    with time_machine.travel(at("2025-03-03 03:00"), tick=False):
        call_command("apply_retention", stdout=out)
    assert "Incidents épurés : 1" in out.getvalue() and "[simulation]" not in out.getvalue()
    assert Incident.objects.get(pk=closed_incident.pk).description == PURGED_TEXT


def test_daily_task_is_scheduled_and_runs(org, closed_incident):
    entries = [
        e for e in django_settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "incidents.apply_retention"
    ]
    assert len(entries) == 1 and entries[0]["schedule"] == 86400.0
    with time_machine.travel(at("2025-03-03 03:00"), tick=False):
        result = apply_retention.delay().get()
    assert result["incidents_purged"] == 1 and result["dry_run"] is False


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_act_once(org):
    """On PostgreSQL, two beats at the same time: each incident purged once, each entry deleted once."""
    from django.db import connection

    from .test_concurrency import _in_parallel

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite serialises writers anyway)")
    bob = org.user("bob")
    for _i in range(6):
        with time_machine.travel(at("2018-03-01 10:00"), tick=False):
            incident = declare(org.user("alice"), category=Incident.Category.STAFF_INFO)
            services.incident_close(incident=incident, actor=bob, outcome="unfounded", reason="Rien")
            services.register_entry_create(
                incident=incident,
                actor=org.user("diane"),
                values=values(
                    regime="public_body", incident_start=date(2018, 2, 1), learned_start=date(2018, 3, 1)
                ),
            )
    results = _in_parallel(2, lambda: retention_apply(today=date(2026, 1, 1)))
    assert sum(r.incidents_purged for r in results) == 6
    assert sum(r.register_entries_deleted for r in results) == 6
    assert RetentionLog.objects.filter(action=Action.INCIDENT_PURGED).count() == 6
    assert RetentionLog.objects.filter(action=Action.REGISTER_ENTRY_DELETED).count() == 6
    assert Event.objects.filter(kind=Event.Kind.RETENTION_PURGED).count() == 6
