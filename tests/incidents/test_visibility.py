"""Who sees what: one test per row of the issue's table, in querysets and through every URL."""

import pytest
from django.urls import reverse

from incidents import services
from incidents.evidence import clean_uploads
from incidents.models import Evidence, Incident
from incidents.selectors import incidents_visible_to, queue_to_handle
from portal.permissions import direction_delegate_add

from .factories import declare, png_bytes, upload


def visible(user) -> set[str]:
    return set(incidents_visible_to(user).values_list("reference", flat=True))


@pytest.fixture
def three(org):
    """One incident at each level, all declared by alice."""
    at_manager = declare(org.user("alice"))
    at_direction = declare(org.user("alice"))
    services.incident_escalate(incident=at_direction, actor=org.user("bob"), assessment="À la direction.")
    at_dcai = declare(org.user("alice"))
    services.incident_escalate(incident=at_dcai, actor=org.user("bob"), assessment="x")
    services.incident_escalate(incident=at_dcai, actor=org.user("carol"), assessment="y")
    return at_manager, at_direction, at_dcai


def test_declarer_sees_their_own_declarations(org, three, login):
    assert visible(org.user("alice")) == {i.reference for i in three}
    services.incident_add_note(incident=three[0], actor=org.user("bob"), body="NOTE-INTERNE-SECRETE")
    response = login(org.user("alice")).get(three[0].get_absolute_url())
    assert response.status_code == 200
    assert b"NOTE-INTERNE-SECRETE" not in response.content
    assert "Notes internes" not in response.content.decode()


def test_manager_sees_their_teams_manager_level_and_what_they_handled(org, three):
    assert visible(org.user("bob")) == {i.reference for i in three}
    assert set(queue_to_handle(org.user("bob"))) == {three[0]}
    # Another manager never sees them.
    assert visible(org.user("olga")) == set()


def test_manager_skipped_when_concerned_never_sees(org):
    incident = declare(org.user("alice"), concerned_kind="staff", concerned_staff=org.bob)
    assert incident.reference not in visible(org.user("bob"))


def test_direction_head_sees_from_direction_level_on(org, three, login):
    assert visible(org.user("carol")) == {three[1].reference, three[2].reference}
    assert set(queue_to_handle(org.user("carol"))) == {three[1]}
    assert login(org.user("carol")).get(three[0].get_absolute_url()).status_code == 404


def test_direction_delegate_sees_like_the_head(org, three):
    delegate = org.user("oscar")
    direction_delegate_add(user=delegate, direction=org.care)
    assert visible(delegate) == {three[1].reference, three[2].reference}


def test_direction_skipped_to_dcai_is_not_seen_by_it(org):
    incident = declare(org.user("alice"), route_choice="dcai", route_reason="Confidentiel.")
    assert incident.reference not in visible(org.user("carol"))


def test_dcai_sees_all(org, three):
    assert visible(org.user("diane")) == {i.reference for i in three}
    assert visible(org.user("dora")) == {i.reference for i in three}


def test_hr_sees_none(org, three, login):
    assert visible(org.user("harry")) == set()
    client = login(org.user("harry"))
    for incident in three:
        assert client.get(incident.get_absolute_url()).status_code == 404
    assert client.get(reverse("incidents:queue", args=["a-traiter"])).status_code == 404


def test_concerned_staff_never_sees_even_as_dcai(org, login):
    incident = declare(
        org.user("alice"),
        route_choice="dcai",
        route_reason="x",
        concerned_kind="staff",
        concerned_staff=org.diane,
    )
    assert incident.reference in visible(org.user("dora"))
    assert incident.reference not in visible(org.user("diane"))
    assert login(org.user("diane")).get(incident.get_absolute_url()).status_code == 404
    assert incident not in queue_to_handle(org.user("diane"))


def test_shared_person_sees_that_one_incident(org, three, login):
    services.incident_share(incident=three[2], actor=org.user("diane"), user=org.user("oscar"))
    assert visible(org.user("oscar")) == {three[2].reference}
    client = login(org.user("oscar"))
    assert client.get(three[2].get_absolute_url()).status_code == 200
    assert client.get(three[1].get_absolute_url()).status_code == 404


def test_outsider_sees_nothing(org, three):
    assert visible(org.user("oscar")) == set()
    assert visible(org.user("olga")) == set()


def test_confidential_declarer_is_hidden_from_all_but_dcai(org, login):
    incident = declare(org.user("alice"), confidential_declarer=True)
    page = login(org.user("bob")).get(incident.get_absolute_url()).content.decode()
    assert "Déclarant confidentiel" in page and "Alice Test" not in page
    page = login(org.user("diane")).get(incident.get_absolute_url()).content.decode()
    assert "Alice Test" in page
    page = login(org.user("alice")).get(incident.get_absolute_url()).content.decode()
    assert "Alice Test" in page


# --- Forged ids on every incident URL -----------------------------------------------------------

INCIDENT_URLS = [
    ("detail", "get", {}),
    ("confirmation", "get", {}),
    ("access_log", "get", {}),
    ("take_in_charge", "post", {}),
    ("request_information", "post", {"question": "?"}),
    ("answer_information", "post", {"answer": "!"}),
    ("add_note", "post", {"body": "x"}),
    (
        "record_measure",
        "post",
        {"kind": "administrative", "decided_by": "x", "decided_on": "2026-01-05", "description": "x"},
    ),
    ("escalate", "post", {"assessment": "x"}),
    ("close", "post", {"outcome": "unfounded", "reason": "x"}),
    ("record_takedown", "post", {"requested_to": "platform", "requested_at": "2026-01-05T10:00"}),
    ("share", "post", {"person": "harry"}),
]


@pytest.fixture
def with_evidence(org):
    return declare(org.user("alice"), evidence=clean_uploads([upload("capture.png", png_bytes())]))


@pytest.mark.parametrize(("name", "method", "data"), INCIDENT_URLS, ids=[u[0] for u in INCIDENT_URLS])
@pytest.mark.parametrize("intruder", ["oscar", "olga", "harry", "carol"])
def test_forged_ids_get_404(org, login, with_evidence, name, method, data, intruder):
    client = login(org.user(intruder))
    for pk in (with_evidence.pk, with_evidence.pk + 1000):
        response = getattr(client, method)(reverse(f"incidents:{name}", args=[pk]), data)
        assert response.status_code == 404, (name, pk)
    assert Incident.objects.get(pk=with_evidence.pk).status == Incident.Status.OPEN


@pytest.mark.parametrize("intruder", ["oscar", "olga", "harry", "carol"])
def test_forged_ids_on_sub_object_urls_get_404(org, login, with_evidence, intruder):
    client = login(org.user(intruder))
    item = Evidence.objects.get(incident=with_evidence)
    assert client.get(reverse("incidents:evidence", args=[with_evidence.pk, item.pk])).status_code == 404
    assert (
        client.post(
            reverse("incidents:takedown_removed", args=[with_evidence.pk, 1]),
            {"removed_seen_at": "2026-01-05T10:00"},
        ).status_code
        == 404
    )
    assert (
        client.post(reverse("incidents:unshare", args=[with_evidence.pk, org.user("harry").pk])).status_code
        == 404
    )


def test_evidence_of_another_incident_through_a_visible_one_is_404(org, login, with_evidence):
    mine = declare(org.user("oscar"))
    item = Evidence.objects.get(incident=with_evidence)
    client = login(org.user("oscar"))
    assert client.get(reverse("incidents:evidence", args=[mine.pk, item.pk])).status_code == 404
    assert client.get(reverse("incidents:evidence", args=[mine.pk, 99999])).status_code == 404


def test_seeing_without_acting_is_403(org, login):
    incident = declare(org.user("alice"))
    client = login(org.user("alice"))
    assert (
        client.post(reverse("incidents:escalate", args=[incident.pk]), {"assessment": "x"}).status_code == 403
    )
    assert client.post(reverse("incidents:take_in_charge", args=[incident.pk])).status_code == 403
    assert Incident.objects.get(pk=incident.pk).level == Incident.Level.MANAGER


def test_only_dcai_reads_the_access_log(org, login):
    incident = declare(org.user("alice"))
    assert login(org.user("bob")).get(reverse("incidents:access_log", args=[incident.pk])).status_code == 404
    assert (
        login(org.user("diane")).get(reverse("incidents:access_log", args=[incident.pk])).status_code == 200
    )
