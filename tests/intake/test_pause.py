"""The deadline pauses while a question waits for the declarer, and resumes with the answer or after
INCIDENT_DECLARER_PAUSE_DAYS (incidents.pause); the pause is shown on the incident page."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident
from incidents.services import (
    incident_answer_information,
    incident_answer_unnamed,
    incident_declare,
    incident_escalate,
    incident_request_information,
    incidents_escalate_overdue,
)
from intake.services import intake_declare

pytestmark = pytest.mark.django_db

MONDAY = timezone.make_aware(datetime(2026, 5, 4, 10, 0))  # no holiday nor clock change nearby


def _declare(org, declaration):
    return incident_declare(declarer=org.user("alice"), **declaration(concerned_kind="institution"))


def test_pause_while_waiting_then_resume_with_the_answer(org, declaration, time_machine, settings, login):
    settings.INCIDENT_DECLARER_PAUSE_DAYS = 10
    time_machine.move_to(MONDAY, tick=False)
    incident = _declare(org, declaration)
    deadline = incident.deadline_at  # the manager's two working days: Wednesday 10:00
    assert incident.level == "manager" and deadline == MONDAY + timedelta(days=2)

    time_machine.move_to(MONDAY + timedelta(hours=4), tick=False)
    incident_request_information(incident=incident, actor=org.user("bob"), question="Le lien exact ?")
    incident.refresh_from_db()
    assert incident.deadline_paused_at == MONDAY + timedelta(hours=4)
    assert incident.deadline_at == deadline + timedelta(days=10)
    page = login(org.user("bob")).get(reverse("incidents:detail", args=[incident.pk]))
    assert 'data-testid="deadline-pause"' in page.content.decode()

    # Past the original deadline: nothing moves while the question waits.
    time_machine.move_to(deadline + timedelta(days=1), tick=False)
    assert incidents_escalate_overdue() == {"escalated": 0, "reminded": 0}
    incident.refresh_from_db()
    assert incident.level == "manager"

    # The answer comes three days after the question: the deadline is the original one plus three days.
    answered_at = MONDAY + timedelta(hours=4, days=3)
    time_machine.move_to(answered_at, tick=False)
    incident_answer_information(incident=incident, actor=org.user("alice"), answer="https://exemple.org/p/1")
    incident.refresh_from_db()
    assert incident.deadline_at == deadline + timedelta(days=3)
    assert incident.deadline_paused_at is None and incident.deadline_pause_ends_at is None
    page = login(org.user("bob")).get(reverse("incidents:detail", args=[incident.pk]))
    assert 'data-testid="deadline-pause"' not in page.content.decode()

    # And it runs again: one minute after the new deadline, the incident goes up.
    time_machine.move_to(deadline + timedelta(days=3, minutes=1), tick=False)
    assert incidents_escalate_overdue()["escalated"] == 1


def test_pause_ends_by_itself_after_the_configured_time(org, declaration, time_machine, settings):
    settings.INCIDENT_DECLARER_PAUSE_DAYS = 2
    time_machine.move_to(MONDAY, tick=False)
    incident = _declare(org, declaration)
    deadline = incident.deadline_at
    incident_request_information(incident=incident, actor=org.user("bob"), question="Une capture ?")
    time_machine.move_to(deadline + timedelta(days=1), tick=False)
    assert incidents_escalate_overdue()["escalated"] == 0
    time_machine.move_to(deadline + timedelta(days=2, minutes=1), tick=False)
    assert incidents_escalate_overdue()["escalated"] == 1
    incident.refresh_from_db()
    assert incident.level == "direction" and incident.deadline_paused_at is None


def test_second_question_does_not_pause_twice_and_escalation_ends_the_pause(org, declaration, time_machine):
    time_machine.move_to(MONDAY, tick=False)
    incident = _declare(org, declaration)
    incident_request_information(incident=incident, actor=org.user("bob"), question="Q1 ?")
    incident.refresh_from_db()
    paused = incident.deadline_at
    incident_request_information(incident=incident, actor=org.user("bob"), question="Q2 ?")
    incident.refresh_from_db()
    assert incident.deadline_at == paused
    incident_escalate(incident=incident, actor=org.user("bob"), assessment="À la direction.")
    incident.refresh_from_db()
    assert incident.level == "direction" and incident.deadline_paused_at is None


def test_anonymous_answer_resumes_the_deadline(org, declaration, time_machine, settings):
    settings.INCIDENT_DECLARER_PAUSE_DAYS = 10
    time_machine.move_to(MONDAY, tick=False)
    incident = intake_declare(source=Incident.Source.ANONYMOUS, **declaration()).incident
    deadline = incident.deadline_at
    incident_request_information(incident=incident, actor=org.user("diane"), question="Où ?")
    time_machine.move_to(MONDAY + timedelta(days=1), tick=False)
    incident_answer_unnamed(incident=incident, answer="Sur Facebook.")
    incident.refresh_from_db()
    assert incident.deadline_at == deadline + timedelta(days=1) and incident.deadline_paused_at is None
