"""Deadlines in working days and the beat job that escalates overdue incidents (docs/rules.md)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from incidents import services
from incidents.deadlines import add_working_days, deadline_for, is_working_day
from incidents.models import Event, Incident
from incidents.tasks import escalate_overdue

from .factories import declare

TZ = ZoneInfo("America/Toronto")
L = Incident.Level


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def test_working_days_skip_weekends():
    assert add_working_days(at("2026-03-06 10:00"), 2) == at("2026-03-10 10:00")  # Friday → Tuesday
    assert add_working_days(at("2026-03-07 10:00"), 1) == at("2026-03-09 10:00")  # Saturday → Monday


def test_working_days_skip_quebec_holidays():
    assert not is_working_day(at("2026-06-24 00:00").date())  # Fête nationale du Québec
    assert not is_working_day(at("2026-07-01 00:00").date())  # Fête du Canada
    assert add_working_days(at("2026-06-23 09:00"), 2) == at("2026-06-26 09:00")
    assert add_working_days(at("2026-04-02 09:00"), 1) == at("2026-04-06 09:00")  # Good Friday is a holiday
    assert is_working_day(at("2026-04-07 00:00").date())


def test_deadline_settings_are_read_at_call_time(settings):
    settings.INCIDENT_DEADLINE_WORKING_DAYS = {"manager": 1, "direction": 3, "dcai": 5}
    assert deadline_for("manager", at("2026-03-02 10:00")) == at("2026-03-03 10:00")
    settings.INCIDENT_DEADLINE_WORKING_DAYS = {"manager": 4, "direction": 3, "dcai": 5}
    assert deadline_for("manager", at("2026-03-02 10:00")) == at("2026-03-06 10:00")


@pytest.fixture
def monday_incident(org):
    with time_machine.travel(at("2026-03-02 10:00"), tick=False):
        incident = declare(org.user("alice"))
    assert incident.deadline_at == at("2026-03-04 10:00")
    return incident


def test_overdue_manager_incident_moves_to_the_direction(org, monday_incident, notified):
    with time_machine.travel(at("2026-03-04 09:59"), tick=False):
        assert services.incidents_escalate_overdue() == {"escalated": 0, "reminded": 0}
    with time_machine.travel(at("2026-03-04 10:01"), tick=False):
        assert escalate_overdue.delay().get() == {"escalated": 1, "reminded": 0}
    incident = Incident.objects.get(pk=monday_incident.pk)
    assert incident.level == L.DIRECTION and incident.assigned_direction == org.care
    assert incident.deadline_at == at("2026-03-09 10:01")  # three working days later
    event = incident.events.get(kind=Event.Kind.ESCALATED_OVERDUE)
    assert event.actor is None and (event.from_level, event.to_level) == ("manager", "direction")
    assert notified("incidents.deadline_passed") == {"bob"}
    assert "carol" in notified("incidents.routed")
    assert "alice" in notified("incidents.declaration_to_direction")


def test_escalation_job_is_idempotent(org, monday_incident):
    with time_machine.travel(at("2026-03-04 10:01"), tick=False):
        services.incidents_escalate_overdue()
        assert services.incidents_escalate_overdue() == {"escalated": 0, "reminded": 0}
    assert Event.objects.filter(kind=Event.Kind.ESCALATED_OVERDUE).count() == 1


def test_a_stale_run_finds_nothing_to_do(org, monday_incident):
    """A second beat that listed the row before the first one moved it re-checks under the lock."""
    from incidents.services import overdue

    now = at("2026-03-04 10:01")
    with time_machine.travel(now, tick=False):
        assert overdue._escalate_one(monday_incident.pk, now) is True
        assert overdue._escalate_one(monday_incident.pk, now) is False


def test_all_the_way_to_dcai_then_one_reminder(org, monday_incident, notified):
    with time_machine.travel(at("2026-03-04 10:01"), tick=False):
        services.incidents_escalate_overdue()
    with time_machine.travel(at("2026-03-09 10:02"), tick=False):
        assert services.incidents_escalate_overdue() == {"escalated": 1, "reminded": 0}
    incident = Incident.objects.get(pk=monday_incident.pk)
    assert incident.level == L.DCAI and incident.deadline_at == at("2026-03-16 10:02")
    assert {"diane", "dora"} <= notified("incidents.routed")
    assert "carol" in notified("incidents.deadline_passed")
    with time_machine.travel(at("2026-03-16 10:03"), tick=False):
        assert services.incidents_escalate_overdue() == {"escalated": 0, "reminded": 1}
        assert services.incidents_escalate_overdue() == {"escalated": 0, "reminded": 0}
    incident = Incident.objects.get(pk=monday_incident.pk)
    assert incident.level == L.DCAI  # DCAI is the last level: reminded, never closed by the job
    assert {"diane", "dora"} <= notified("incidents.deadline_passed")


def test_overdue_never_reaches_the_concerned_person(org, notified):
    with time_machine.travel(at("2026-03-02 10:00"), tick=False):
        incident = declare(org.user("alice"), concerned_kind="staff", concerned_staff=org.diane)
    with time_machine.travel(at("2026-03-30 10:00"), tick=False):
        services.incidents_escalate_overdue()
        services.incidents_escalate_overdue()
    assert Incident.objects.get(pk=incident.pk).level == L.DCAI
    from portal.notifications.models import Notification

    assert not Notification.objects.filter(recipient=org.user("diane")).exists()


def test_closed_and_on_time_incidents_are_left_alone(org):
    with time_machine.travel(at("2026-03-02 10:00"), tick=False):
        closed = declare(org.user("alice"))
        services.incident_close(incident=closed, actor=org.user("bob"), outcome="unfounded", reason="x")
    with time_machine.travel(at("2026-03-05 10:00"), tick=False):
        fresh = declare(org.user("alice"))
        services.incidents_escalate_overdue()
    assert Incident.objects.get(pk=closed.pk).level == L.CLOSED
    assert Incident.objects.get(pk=fresh.pk).level == L.MANAGER
