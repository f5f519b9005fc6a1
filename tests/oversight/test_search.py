"""DCAI finds any incident at any level (§7.3), and never one that concerns them (docs/rules.md)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident
from incidents.selectors import Criteria, search_incidents
from tests.incidents.factories import build_incidents, declare

pytestmark = pytest.mark.django_db
URL = reverse("incidents:search")


def urgent_at_manager_level(org) -> Incident:
    return declare(
        org.user("alice"),
        description="Photo d'un bracelet d'identification d'un usager publiée dans un groupe de l'hôpital.",
        category=Incident.Category.PATIENT_INFO,
        patient_info_exposed=True,
    )


def test_dcai_finds_an_urgent_incident_at_manager_level_by_reference_and_by_a_word(org, login):
    incident = urgent_at_manager_level(org)
    assert (incident.level, incident.urgent) == (Incident.Level.MANAGER, True)
    client = login(org.user("diane"))
    year, number = incident.reference.split("-")[1:]
    for query in (incident.reference, incident.reference.lower(), f"{year}-{int(number)}", "bracelet"):
        page = client.get(URL, {"q": query})
        assert page.status_code == 200
        assert [i.pk for i in page.context["incidents"]] == [incident.pk], query
        assert incident.reference in page.content.decode()


def test_a_dcai_officer_named_as_concerned_never_finds_it(org, login):
    about_diane = declare(
        org.user("alice"),
        description="Une collègue de la DCAI filmée en train de se moquer d'un usager.",
        concerned_kind=Incident.Concerned.STAFF,
        concerned_staff=org.diane,
        category=Incident.Category.PATIENT_INFO,
        patient_info_exposed=True,
    )
    for query in (about_diane.reference, "moquer", ""):
        page = login(org.user("diane")).get(URL, {"q": query, "urgent": "oui"})
        assert about_diane.pk not in [i.pk for i in page.context["incidents"]]
        assert f">{about_diane.reference}</a>" not in page.content.decode()
    # Another DCAI officer finds it.
    page = login(org.user("dora")).get(URL, {"q": about_diane.reference})
    assert [i.pk for i in page.context["incidents"]] == [about_diane.pk]


@pytest.mark.parametrize("name", ["alice", "bob", "carol", "harry", "oscar", "gina"])
def test_only_dcai_opens_the_search(org, login, gina, name):
    incident = urgent_at_manager_level(org)
    page = login(org.user(name) if name != "gina" else gina).get(URL, {"q": incident.reference})
    assert page.status_code == 404


def test_search_by_person_in_each_role(org, login):
    incident = declare(org.user("alice"), concerned_kind=Incident.Concerned.STAFF, concerned_staff=org.oscar)
    other = declare(org.user("oscar"))
    client = login(org.user("diane"))

    def found(**params):
        return {i.pk for i in client.get(URL, params).context["incidents"]}

    assert found(person="Alice", person_role="declarer") == {incident.pk}
    assert found(person="Oscar Test", person_role="concerned") == {incident.pk}
    assert found(person="Bob", person_role="handler") == {incident.pk}  # alice's manager
    assert found(person=org.oscar.employee_number) == {incident.pk, other.pk}
    assert found(person="Olga", person_role="handler") == {other.pk}


def test_filters_and_sorting_stay_in_the_url(org, login):
    now = timezone.now()
    late = build_incidents(2, declarer=org.user("alice"), deadline_at=now - timedelta(hours=2))
    closed = build_incidents(1, declarer=org.user("alice"), level=Incident.Level.CLOSED)
    fresh = build_incidents(1, declarer=org.user("oscar"), category=Incident.Category.COPYRIGHT, platform="x")
    client = login(org.user("diane"))

    def found(**params):
        return [i.pk for i in client.get(URL, params).context["incidents"]]

    assert set(found(overdue="on")) == {i.pk for i in late}
    assert found(level="closed") == [closed[0].pk]
    assert found(status="en-cours", category="copyright", platform="x") == [fresh[0].pk]
    assert set(found(direction=org.tech.pk)) == {fresh[0].pk}
    ordered = found(sort="reference")
    assert ordered == sorted(ordered, key=lambda pk: Incident.objects.get(pk=pk).reference)
    assert found(sort="-reference") == list(reversed(ordered))
    page = client.get(URL, {"sort": "deadline", "category": "reputation"}).content.decode()
    assert "sort=-deadline" in page and "category=reputation" in page  # the column link keeps the filters


def test_bad_input_is_said_and_the_rest_still_applies(org, login):
    incident = urgent_at_manager_level(org)
    page = login(org.user("diane")).get(
        URL, {"q": incident.reference, "declared_from": "hier", "direction": "999999", "sort": "drop table"}
    )
    assert page.status_code == 200
    assert [i.pk for i in page.context["incidents"]] == [incident.pk]
    assert set(page.context["form"].errors) == {"declared_from", "direction", "sort"}
    assert "n'a pas été comprise" in page.content.decode()


def test_declared_dates_include_the_whole_last_day(org):
    incident = declare(org.user("alice"))
    today = timezone.localdate()
    criteria = Criteria(declared_from=today, declared_to=today)
    assert list(search_incidents(org.user("diane"), criteria)) == [incident]
    assert not search_incidents(org.user("diane"), Criteria(declared_to=today - timedelta(days=1))).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search is PostgreSQL's")
def test_words_match_without_accents_and_with_other_forms(org):
    incident = urgent_at_manager_level(org)
    diane = org.user("diane")
    for words in ("hopital", "HÔPITAL", "publiées", "bracelets identification"):
        assert list(search_incidents(diane, Criteria(text=words))) == [incident], words
    assert not search_incidents(diane, Criteria(text="bracelet -usager")).exists()


def test_words_of_internal_notes_are_found(org, login):
    from incidents.services import incident_add_note

    incident = declare(org.user("alice"))
    incident_add_note(incident=incident, actor=org.user("bob"), body="Le compte appartient à un ancien stagiaire.")
    page = login(org.user("diane")).get(URL, {"q": "stagiaire"})
    assert [i.pk for i in page.context["incidents"]] == [incident.pk]


def test_result_page_costs_the_same_queries_for_2_or_50_rows(org, login, django_assert_max_num_queries):
    build_incidents(2, declarer=org.user("alice"))
    client = login(org.user("diane"))
    client.get(URL)  # warm the session and the roles
    with django_assert_max_num_queries(14) as few:
        client.get(URL, {"sort": "deadline"})
    build_incidents(48, declarer=org.user("oscar"), level=Incident.Level.DIRECTION)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(URL, {"sort": "deadline"})
    assert len(page.context["incidents"]) == 25
