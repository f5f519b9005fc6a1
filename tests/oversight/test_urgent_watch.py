"""DCAI's urgent watch (§6.1, §7.3): every urgent incident not closed, at any level, with its holder and
deadline, on DCAI's home page; never one that concerns the officer."""

import pytest
from django.urls import reverse

from incidents.models import Incident
from incidents.selectors import urgent_watch
from incidents.services import incident_take_in_charge
from tests.incidents.factories import build_incidents, declare

pytestmark = pytest.mark.django_db


def urgent(declarer, **fields):
    return declare(declarer, category=Incident.Category.PATIENT_INFO, patient_info_exposed=True, **fields)


def test_every_urgent_incident_at_any_level_with_its_holder(org, login):
    at_manager = urgent(org.user("alice"))
    at_direction = urgent(org.user("alice"), route_choice="direction", route_reason="Mon gestionnaire est absent.")
    incident_take_in_charge(incident=at_manager, actor=org.user("bob"))
    build_incidents(3, declarer=org.user("alice"), level=Incident.Level.CLOSED, urgent=True)
    declare(org.user("alice"))  # not urgent
    rows, total = urgent_watch(org.user("diane"), limit=8)
    assert {r.pk for r in rows} == {at_manager.pk, at_direction.pk} and total == 2
    home = login(org.user("diane")).get(reverse("home")).content.decode()
    assert "Veille des incidents urgents" in home
    assert at_manager.reference in home and at_direction.reference in home
    assert "Bob Test" in home  # took it in charge
    assert "Direction DSP" in home  # at direction level, to take in charge


def test_the_concerned_officer_does_not_see_it_and_others_have_no_watch(org, login):
    about_diane = urgent(org.user("alice"), concerned_kind="staff", concerned_staff=org.diane)
    assert urgent_watch(org.user("diane"), limit=8) == ([], 0)
    assert [r.pk for r in urgent_watch(org.user("dora"), limit=8)[0]] == [about_diane.pk]
    for name in ("bob", "carol", "harry"):
        assert urgent_watch(org.user(name), limit=8) == ([], 0)
        assert "Veille des incidents urgents" not in login(org.user(name)).get(reverse("home")).content.decode()


def test_more_than_shown_links_to_the_search(org, login, django_assert_max_num_queries):
    build_incidents(12, declarer=org.user("alice"), urgent=True)
    rows, total = urgent_watch(org.user("diane"), limit=8)
    assert (len(rows), total) == (8, 12)
    home = login(org.user("diane")).get(reverse("home")).content.decode()
    assert "Voir les 12 incidents urgents" in home
    assert reverse("incidents:search") + "?urgent=oui&amp;status=en-cours&amp;sort=deadline" in home
