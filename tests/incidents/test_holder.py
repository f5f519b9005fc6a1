"""Who holds it now (level, direction, person in charge or "to take in charge", deadline) on the incident
page, the queues and the search; and the course of an incident the statistics read (incidents.statistics)."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from incidents import services
from incidents.models import Incident
from incidents.selectors import holder_of
from incidents.selectors.holder import HOLDER_RELATED

from .factories import build_incidents, declare

pytestmark = pytest.mark.django_db
L = Incident.Level


def test_the_incident_page_says_who_holds_it_and_the_declarer_reads_no_name(org, login):
    incident = declare(org.user("alice"))
    page = login(org.user("diane")).get(incident.get_absolute_url()).content.decode()
    assert "Où en est le dossier" in page and "À prendre en charge" in page and "Bob Test" in page
    services.incident_take_in_charge(incident=incident, actor=org.user("bob"))
    page = login(org.user("carol")).get(incident.get_absolute_url())
    assert page.status_code == 404  # the direction does not see it yet: manager level
    page = login(org.user("diane")).get(incident.get_absolute_url()).content.decode()
    assert "Bob Test" in page and "DSP" in page
    mine = login(org.user("alice")).get(incident.get_absolute_url()).content.decode()
    assert "Où en est le dossier" in mine and "Pris en charge" in mine
    assert "Bob Test" not in mine


def test_holder_at_each_level(org):
    incident = declare(org.user("alice"))
    now = timezone.now()

    def holder():
        row = Incident.objects.select_related(*HOLDER_RELATED).get(pk=incident.pk)
        return holder_of(row, show_person=True, now=now)

    assert (holder().level, holder().taken, holder().expected) == (L.MANAGER, False, "Bob Test")
    services.incident_escalate(incident=incident, actor=org.user("bob"), assessment="À évaluer.")
    assert (holder().level, holder().direction_code, holder().expected) == (L.DIRECTION, "DSP", "Direction DSP")
    services.incident_escalate(incident=Incident.objects.get(pk=incident.pk), actor=org.user("carol"), assessment="Vu.")
    services.incident_take_in_charge(incident=Incident.objects.get(pk=incident.pk), actor=org.user("diane"))
    assert (holder().level, holder().person, holder().overdue) == (L.DCAI, "Diane Test", False)
    declared = holder_of(Incident.objects.select_related(*HOLDER_RELATED).get(pk=incident.pk), show_person=False)
    assert (declared.person, declared.expected, declared.taken) == ("", "", True)


def test_queue_rows_show_the_holder_in_constant_queries(org, login, django_assert_max_num_queries):
    build_incidents(2, declarer=org.user("alice"))
    client = login(org.user("bob"))
    url = reverse("incidents:queue", args=["a-traiter"])
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        page = client.get(url)
    assert "Responsable" in page.content.decode() and "À prendre en charge" in page.content.decode()
    build_incidents(30, declarer=org.user("alice"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_the_course_is_recorded_at_each_level(org):
    with time_machine.travel("2026-03-02 10:00:00-05:00", tick=False):
        incident = declare(org.user("alice"))
    with time_machine.travel("2026-03-02 12:00:00-05:00", tick=False):
        services.incident_take_in_charge(incident=incident, actor=org.user("bob"))
    with time_machine.travel("2026-03-30 10:00:00-05:00", tick=False):
        services.incidents_escalate_overdue()  # manager -> direction -> (later) DCAI
    incident.refresh_from_db()
    start = timezone.make_aware(timezone.datetime(2026, 3, 2, 10))
    assert incident.reached_manager_at == start
    assert incident.taken_manager_at == start + timedelta(hours=2)
    assert incident.reached_direction_at is not None and incident.taken_direction_at is None
    assert incident.auto_escalations >= 1 and incident.missed_deadline
    before = incident.taken_manager_at
    services.incident_take_in_charge(incident=incident, actor=org.user("carol"))
    incident.refresh_from_db()
    assert incident.taken_direction_at is not None and incident.taken_manager_at == before
