"""Register completeness (Quebec privacy law; docs/rules.md): DCAI closes an incident that may have exposed
personal information only with a register entry or a reasoned decision; notice reminders."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents.models import Event, Incident, RegisterDecision, RegisterNoticeReminder
from incidents.services import IncidentActionError, incident_close, register_entry_create, register_entry_update
from incidents.services.compliance import register_decision_record, register_send_notice_reminders
from portal.notifications.models import Notification
from tests.incidents.factories import declare
from tests.incidents.test_register import values


def _patient_at_dcai(org, **overrides):
    data = {
        "category": Incident.Category.PATIENT_INFO,
        "patient_info_exposed": True,
        "route_choice": "dcai",
        "route_reason": "Photo d'un usager.",
    }
    data.update(overrides)
    return declare(org.user("alice"), **data)


def test_closing_a_patient_information_incident_without_entry_or_reason_is_refused(org):
    incident = _patient_at_dcai(org)
    with pytest.raises(IncidentActionError, match="registre"):
        incident_close(incident=incident, actor=org.user("diane"), outcome="founded", reason="Retiré.")
    incident.refresh_from_db()
    assert incident.level == Incident.Level.DCAI and incident.closed_at is None
    assert not Event.objects.filter(incident=incident, kind=Event.Kind.CLOSED).exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"category": Incident.Category.STAFF_INFO, "patient_info_exposed": False},
        {"category": Incident.Category.CONFIDENTIAL, "patient_info_exposed": False, "concerned_kind": "visitor"},
        {"category": Incident.Category.REPUTATION, "patient_info_exposed": True},
    ],
)
def test_staff_visitor_or_exposed_answers_also_need_a_decision(org, overrides):
    incident = _patient_at_dcai(org, **overrides)
    with pytest.raises(IncidentActionError):
        incident_close(incident=incident, actor=org.user("diane"), outcome="founded")


def test_an_incident_without_personal_information_closes_as_before(org):
    incident = declare(org.user("alice"), route_choice="dcai", route_reason="x")
    incident_close(incident=incident, actor=org.user("diane"), outcome="founded")
    incident.refresh_from_db()
    assert incident.level == Incident.Level.CLOSED


def test_a_register_entry_allows_closing(org):
    incident = _patient_at_dcai(org)
    register_entry_create(incident=incident, actor=org.user("diane"), values=values())
    incident_close(incident=incident, actor=org.user("diane"), outcome="founded")
    incident.refresh_from_db()
    assert incident.level == Incident.Level.CLOSED


def test_a_reasoned_decision_allows_closing_and_stays_in_the_history(org):
    incident = _patient_at_dcai(org)
    with pytest.raises(IncidentActionError):
        register_decision_record(incident=incident, actor=org.user("diane"), reason="   ")
    assert not RegisterDecision.objects.exists()
    register_decision_record(
        incident=incident, actor=org.user("diane"), reason="Photo floue : personne non identifiable."
    )
    event = Event.objects.get(incident=incident, kind=Event.Kind.NOT_A_CONFIDENTIALITY_INCIDENT)
    assert event.note == "Photo floue : personne non identifiable." and event.actor == org.user("diane")
    with pytest.raises(IncidentActionError):
        register_decision_record(incident=incident, actor=org.user("diane"), reason="Autre motif.")
    incident_close(incident=incident, actor=org.user("diane"), outcome="founded")


@pytest.mark.parametrize("name", ["alice", "bob", "carol", "harry", "oscar"])
def test_only_dcai_records_the_decision(org, name, login):
    incident = _patient_at_dcai(org)
    response = login(org.user(name)).post(
        reverse("incidents:register_decision", args=[incident.pk]), {"reason": "Pas un incident."}
    )
    assert response.status_code == 404
    assert not RegisterDecision.objects.exists()


def test_the_decision_form_on_the_incident_page(org, login):
    incident = _patient_at_dcai(org)
    client = login(org.user("diane"))
    page = client.get(incident.get_absolute_url())
    assert reverse("incidents:register_decision", args=[incident.pk]) in page.content.decode()
    empty = client.post(reverse("incidents:register_decision", args=[incident.pk]), {"reason": ""}, follow=True)
    assert not RegisterDecision.objects.exists()
    assert "Expliquez pourquoi" in empty.content.decode()
    client.post(reverse("incidents:register_decision", args=[incident.pk]), {"reason": "Aucun usager visible."})
    assert RegisterDecision.objects.get(incident=incident).decided_by == org.user("diane")


def test_dcai_home_lists_incidents_waiting_for_the_decision(org, login):
    waiting = _patient_at_dcai(org)
    decided = _patient_at_dcai(org)
    register_decision_record(incident=decided, actor=org.user("diane"), reason="Non identifiable.")
    response = login(org.user("diane")).get(reverse("home"))
    panel = next(p for p in response.context["panels"] if p["title"] == "Registre : décisions en attente")
    assert [i.pk for i in panel["incidents"]] == [waiting.pk] and not panel["more"]
    assert waiting.reference in response.content.decode()
    other = login(org.user("harry")).get(reverse("home")).content.decode()
    assert "Registre : décisions en attente" not in other


# --- Notice reminders -----------------------------------------------------------------------------


def _serious_entry(org, created_at):
    incident = _patient_at_dcai(org)
    entry = register_entry_create(
        incident=incident,
        actor=org.user("diane"),
        values=values(serious_injury_risk=True, notices_pending_reason="Avis en préparation."),
    )
    type(entry).objects.filter(pk=entry.pk).update(created_at=created_at)
    entry.refresh_from_db()
    return entry


def _reminders(entry):
    return list(RegisterNoticeReminder.objects.filter(entry=entry).values_list("number", flat=True))


def test_reminders_at_once_then_every_two_working_days_until_both_notices_are_dated(org):
    tz = timezone.get_current_timezone()
    monday = datetime(2026, 3, 2, 9, 0, tzinfo=tz)  # Monday 2 March 2026
    entry = _serious_entry(org, monday)
    dcai_notices = Notification.objects.filter(kind="incidents.register_notice_due")

    assert register_send_notice_reminders(now=monday + timedelta(minutes=5)) == 1
    assert _reminders(entry) == [1]
    sent = dcai_notices.count()
    assert sent >= 1
    # The same run again, and the next day (one working day): nothing new.
    assert register_send_notice_reminders(now=monday + timedelta(minutes=6)) == 0
    assert register_send_notice_reminders(now=monday + timedelta(days=1)) == 0
    # Wednesday 9:00: two working days later.
    assert register_send_notice_reminders(now=monday + timedelta(days=2)) == 1
    assert _reminders(entry) == [1, 2]
    # Friday 9:00; the weekend does not count: Friday + 2 working days is Tuesday.
    assert register_send_notice_reminders(now=monday + timedelta(days=4)) == 1
    assert register_send_notice_reminders(now=monday + timedelta(days=7)) == 0  # Monday
    assert register_send_notice_reminders(now=monday + timedelta(days=8)) == 1  # Tuesday
    assert _reminders(entry) == [1, 2, 3, 4]
    assert dcai_notices.count() == sent * 4
    # Only the Commission's date: still reminded. Both dates: never again.
    register_entry_update(
        entry=entry,
        actor=org.user("diane"),
        values={"cai_notified_on": timezone.localdate(), "notices_pending_reason": "Personnes à joindre."},
    )
    assert register_send_notice_reminders(now=monday + timedelta(days=10)) == 1
    register_entry_update(entry=entry, actor=org.user("diane"), values={"persons_notified_on": timezone.localdate()})
    assert register_send_notice_reminders(now=monday + timedelta(days=30)) == 0
    assert _reminders(entry) == [1, 2, 3, 4, 5]


def test_no_reminder_without_a_serious_risk(org):
    register_entry_create(incident=_patient_at_dcai(org), actor=org.user("diane"), values=values())
    assert register_send_notice_reminders(now=timezone.now() + timedelta(days=30)) == 0


def test_a_stopped_worker_sends_one_reminder_not_a_burst(org):
    tz = timezone.get_current_timezone()
    monday = datetime(2026, 3, 2, 9, 0, tzinfo=tz)
    entry = _serious_entry(org, monday)
    assert register_send_notice_reminders(now=monday + timedelta(days=14)) == 1
    assert register_send_notice_reminders(now=monday + timedelta(days=14, hours=1)) == 0
    assert len(_reminders(entry)) == 1


def test_reminder_queries_do_not_grow_with_entries(org):
    now = timezone.now()
    _serious_entry(org, now - timedelta(days=1))
    with CaptureQueriesContext(connection) as few:
        register_send_notice_reminders(now=now + timedelta(days=60))
    assert len(few) < 40
