"""Where a declaration goes (incidents.routing; §6.3, §7.4, §7.6; docs/rules.md)."""

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from incidents import routing
from incidents.models import Event, Incident
from incidents.services import IncidentActionError
from portal.permissions import direction_delegate_add
from tests.factories import make_staff

from .factories import declare

L = Incident.Level


def test_normal_route_goes_to_the_declarers_manager(org):
    incident = declare(org.user("alice"))
    assert incident.level == L.MANAGER and incident.status == Incident.Status.OPEN
    assert incident.assigned_manager == org.bob
    assert incident.assigned_direction is None
    assert incident.direction == org.care
    assert incident.deadline_at > timezone.now()
    assert list(incident.events.values_list("kind", "reason")) == [("declared", ""), ("routed", "normal")]


def test_no_manager_goes_to_the_direction(org):
    nina = make_staff("nina", org.care)
    incident = declare(nina.user)
    assert incident.level == L.DIRECTION and incident.assigned_direction == org.care
    assert incident.events.get(kind=Event.Kind.ROUTED).reason == "no_manager"


def test_inactive_manager_goes_to_the_direction(org):
    org.bob.is_active = False
    org.bob.save()
    assert declare(org.user("alice")).level == L.DIRECTION


def test_manager_concerned_skips_the_manager_level(org):
    incident = declare(org.user("alice"), concerned_kind="staff", concerned_staff=org.bob)
    assert incident.level == L.DIRECTION and incident.assigned_direction == org.care
    assert incident.assigned_manager is None
    assert incident.events.get(kind=Event.Kind.ROUTED).reason == "manager_concerned"


def test_head_of_the_direction_concerned_goes_to_dcai(org):
    incident = declare(org.user("alice"), concerned_kind="staff", concerned_staff=org.carol)
    assert incident.level == L.DCAI
    assert incident.assigned_manager is None and incident.assigned_direction is None
    assert incident.events.get(kind=Event.Kind.ROUTED).reason == "head_concerned"


def test_head_concerned_found_on_escalation_goes_to_dcai(org):
    """The same rule on the way up: the concerned person became the head after the declaration."""
    incident = declare(org.user("alice"), concerned_kind="staff", concerned_staff=org.oscar)
    assert incident.level == L.MANAGER and incident.direction == org.tech
    assert routing.head_is_concerned(org.tech, org.oscar) is False
    org.tech.head = org.oscar.user
    org.tech.save()
    incident.direction.refresh_from_db()
    assert routing.head_is_concerned(incident.direction, org.oscar)
    route = routing.next_route(incident)
    assert (route.level, route.why) == (L.DCAI, "head_concerned")


def test_concerned_staff_of_another_direction_sets_the_direction(org):
    org.tech.head = org.olga.user
    org.tech.save()
    incident = declare(org.user("alice"), concerned_kind="staff", concerned_staff=org.oscar)
    assert incident.level == L.MANAGER and incident.assigned_manager == org.bob
    assert incident.direction == org.tech
    assert routing.next_route(incident).direction == org.tech


def test_direction_without_anyone_to_act_goes_to_dcai(org):
    assert org.tech.head is None
    incident = declare(org.user("olga"))
    assert incident.level == L.DCAI
    assert incident.events.get(kind=Event.Kind.ROUTED).reason == "direction_without_lead"


def test_delegate_lets_a_headless_direction_act(org):
    direction_delegate_add(user=org.user("olga"), direction=org.tech)
    oscar_incident = declare(org.user("oscar"), route_choice="direction", route_reason="Je préfère.")
    assert oscar_incident.level == L.DIRECTION and oscar_incident.assigned_direction == org.tech


@pytest.mark.parametrize(("choice", "level"), [("direction", L.DIRECTION), ("dcai", L.DCAI)])
def test_declarers_choice_with_a_reason(org, choice, level):
    incident = declare(
        org.user("alice"), route_choice=choice, route_reason="Mon gestionnaire est ami avec l'auteur."
    )
    assert incident.level == level
    assert incident.route_reason
    assert incident.events.get(kind=Event.Kind.ROUTED).reason == "declarer_choice"


def test_declarers_choice_needs_a_reason(org):
    with pytest.raises(IncidentActionError):
        declare(org.user("alice"), route_choice="dcai", route_reason="  ")
    assert not Incident.objects.exists()


def test_authorized_user_report_goes_straight_to_dcai(org, monkeypatch):
    monkeypatch.setattr(routing, "declarer_is_authorized_user", lambda user: user.username == "alice")
    incident = declare(org.user("alice"))
    assert incident.level == L.DCAI
    assert incident.events.get(kind=Event.Kind.ROUTED).reason == "authorized_user"
    assert declare(org.user("oscar")).level == L.MANAGER


def test_authorized_user_from_the_roster_goes_straight_to_dcai(org):
    from datetime import timedelta

    from portal.roster.models import Designation

    today = timezone.localdate()
    Designation.objects.create(
        profile=org.alice,
        direction=org.care,
        role=Designation.Role.PUBLISHER,
        justification="Page de l'unité",
        start_date=today - timedelta(days=1),
        end_date=today + timedelta(days=30),
        status=Designation.Status.ACTIVE,
        designated_by=org.user("carol"),
    )
    assert routing.declarer_is_authorized_user(org.user("alice"))
    assert declare(org.user("alice")).level == L.DCAI
    assert not routing.declarer_is_authorized_user(org.user("oscar"))


def test_declarer_in_dcai_goes_from_manager_to_dcai(org):
    incident = declare(org.user("diane"))
    assert incident.level == L.MANAGER and incident.assigned_manager == org.dora
    route = routing.next_route(incident)
    assert route.level == L.DCAI and route.why == "direction_is_dcai"


def test_direction_always_hands_over_to_dcai(org):
    incident = declare(org.user("alice"), concerned_kind="staff", concerned_staff=org.bob)
    assert routing.next_route(incident).level == L.DCAI


def test_dcai_is_the_last_level(org):
    incident = declare(org.user("alice"), route_choice="dcai", route_reason="Urgent.")
    assert routing.next_route(incident) is None


def test_concerned_person_must_be_named_and_not_the_declarer(org):
    with pytest.raises(IncidentActionError):
        declare(org.user("alice"), concerned_kind="staff")
    with pytest.raises(IncidentActionError):
        declare(org.user("alice"), concerned_kind="staff", concerned_staff=org.alice)


def test_concerned_staff_is_dropped_when_the_kind_is_not_staff(org):
    incident = declare(org.user("alice"), concerned_kind="patient", concerned_staff=org.bob)
    assert incident.concerned_staff is None


def test_database_refuses_a_staff_kind_without_a_person(org):
    incident = declare(org.user("alice"))
    incident.concerned_kind = "staff"
    with pytest.raises(ValidationError):
        incident.full_clean()


def test_references_are_sequential_per_year(org):
    with time_machine.travel("2026-03-02 10:00 -0500", tick=False):
        first = declare(org.user("alice"))
        second = declare(org.user("oscar"))
    with time_machine.travel("2027-01-04 10:00 -0500", tick=False):
        third = declare(org.user("alice"))
    assert first.reference.startswith("INC-2026-")
    assert int(second.reference[-5:]) == int(first.reference[-5:]) + 1
    assert third.reference == "INC-2027-00001"
