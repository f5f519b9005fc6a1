"""Every page and action URL through HTTP; list pages cost a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents import services
from incidents.models import AccessLog, Incident, Measure, Takedown

from .factories import build_incidents, declare


def test_declare_page(org, login):
    response = login(org.user("alice")).get(reverse("incidents:declare"))
    assert response.status_code == 200
    page = response.content.decode()
    for label in (
        "Qu&#x27;avez-vous vu ?",
        "Plateforme",
        "Qui est concerné ?",
        "Preuves",
        'enctype="multipart/form-data"',
    ):
        assert label in page
    assert "style=" not in page and "<script>" not in page  # strict CSP


def test_declare_confirm_and_follow(org, login, notified):
    client = login(org.user("alice"))
    response = client.post(
        reverse("incidents:declare"),
        {
            "description": "Photo d'un dossier",
            "platform": "x",
            "links": "https://x.example/status/1\nhttps://x.example/status/2",
            "seen_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "category": "confidential",
            "still_online": "yes",
            "concerned_kind": "staff",
            "concerned_staff_name": "Oscar Test",
            "route_choice": "normal",
        },
    )
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("incidents:confirmation", args=[incident.pk])
    assert incident.concerned_staff == org.oscar and incident.links.count("\n") == 1
    page = client.get(response["Location"]).content.decode()
    assert incident.reference in page and incident.reference.startswith("INC-")
    page = client.get(reverse("incidents:mine")).content.decode()
    assert incident.reference in page and "À prendre en charge" in page
    assert "bob" in notified("incidents.routed")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("concerned_staff_name", "Personne Inconnue", "Aucun intervenant actif"),
        ("concerned_staff_name", "Alice Test", "Vous ne pouvez pas vous nommer"),
        ("links", "javascript:alert(1)", "n&#x27;est pas une adresse web"),
        ("seen_at", "2999-01-01T10:00", "dans le futur"),
        ("route_choice", "dcai", "Indiquez pourquoi"),
    ],
)
def test_declare_bad_input_changes_nothing(org, login, field, value, message):
    data = {
        "description": "x",
        "platform": "x",
        "seen_at": "2026-01-05T10:00",
        "category": "other",
        "still_online": "no",
        "concerned_kind": "staff",
        "concerned_staff_name": "Oscar Test",
        "route_choice": "normal",
        field: value,
    }
    response = login(org.user("alice")).post(reverse("incidents:declare"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Incident.objects.exists()


def test_script_in_text_is_shown_as_text(org, login):
    incident = declare(org.user("alice"), description="<script>alert('x')</script>")
    page = login(org.user("bob")).get(incident.get_absolute_url()).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page


def test_confirmation_is_for_the_declarer_only(org, login):
    incident = declare(org.user("alice"))
    assert (
        login(org.user("bob")).get(reverse("incidents:confirmation", args=[incident.pk])).status_code == 404
    )


def test_detail_shows_only_permitted_buttons(org, login):
    incident = declare(org.user("alice"))
    page = login(org.user("bob")).get(incident.get_absolute_url()).content.decode()
    for url in ("take_in_charge", "escalate", "close", "request_information", "add_note", "record_measure"):
        assert reverse(f"incidents:{url}", args=[incident.pk]) in page
    for url in ("record_takedown", "share", "access_log", "answer_information"):
        assert reverse(f"incidents:{url}", args=[incident.pk]) not in page
    page = login(org.user("alice")).get(incident.get_absolute_url()).content.decode()
    assert '<form method="post" action="/incidents/' not in page
    assert AccessLog.objects.filter(incident=incident, action="view").count() == 2


def test_every_action_through_http(org, login, notified):
    incident = declare(org.user("alice"))
    url = lambda name, *args: reverse(f"incidents:{name}", args=[incident.pk, *args])  # noqa: E731
    bob = login(org.user("bob"))
    assert bob.post(url("take_in_charge")).status_code == 302
    assert bob.post(url("request_information"), {"question": "Quel compte ?"}).status_code == 302
    alice = login(org.user("alice"))
    assert "Quel compte ?" in alice.get(incident.get_absolute_url()).content.decode()
    assert alice.post(url("answer_information"), {"answer": "Le compte @x"}).status_code == 302
    bob = login(org.user("bob"))
    assert bob.post(url("add_note"), {"body": "Vu."}).status_code == 302
    assert (
        bob.post(
            url("record_measure"),
            {
                "kind": "disciplinary",
                "decided_by": "Bob",
                "decided_on": timezone.localdate().isoformat(),
                "description": "Avis",
            },
        ).status_code
        == 302
    )
    assert bob.post(url("escalate"), {"assessment": "Grave"}).status_code == 302
    carol = login(org.user("carol"))
    assert carol.post(url("close"), {"outcome": "founded", "reason": "x"}).status_code == 403
    assert carol.post(url("escalate"), {"assessment": "Pour la DCAI"}).status_code == 302
    diane = login(org.user("diane"))
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    assert (
        diane.post(url("record_takedown"), {"requested_to": "author", "requested_at": now}).status_code == 302
    )
    takedown = Takedown.objects.get()
    assert diane.post(url("takedown_removed", takedown.pk), {"removed_seen_at": now}).status_code == 302
    assert diane.post(url("share"), {"person": "oscar"}).status_code == 302
    assert diane.post(url("unshare", org.user("oscar").pk)).status_code == 302
    assert (
        diane.post(url("close"), {"outcome": "founded", "ereputation": ["takedown", "reply"]}).status_code
        == 302
    )
    incident.refresh_from_db()
    assert incident.outcome == "founded" and incident.reply_published and incident.takedown_requested
    assert Measure.objects.get().kind == "disciplinary"
    assert "Fondé" in login(org.user("alice")).get(incident.get_absolute_url()).content.decode()


def test_invalid_action_form_shows_errors_and_changes_nothing(org, login):
    incident = declare(org.user("alice"), route_choice="dcai", route_reason="x")
    client = login(org.user("diane"))
    response = client.post(
        reverse("incidents:close", args=[incident.pk]),
        {"outcome": "founded", "ereputation": ["none", "reply"]},
    )
    assert response.status_code == 400 and "exclut les autres" in response.content.decode()
    response = client.post(reverse("incidents:close", args=[incident.pk]), {"outcome": "unfounded"})
    assert response.status_code == 400
    response = client.post(reverse("incidents:share", args=[incident.pk]), {"person": "nobody"})
    assert response.status_code == 400 and "Aucun compte actif" in response.content.decode()
    assert Incident.objects.get(pk=incident.pk).level == Incident.Level.DCAI


def test_action_urls_refuse_get(org, login):
    incident = declare(org.user("alice"))
    assert login(org.user("bob")).get(reverse("incidents:escalate", args=[incident.pk])).status_code == 405


def test_queues_for_handlers_only(org, login):
    for name in ("a-traiter", "en-retard", "recemment-fermes"):
        assert login(org.user("bob")).get(reverse("incidents:queue", args=[name])).status_code == 200
        assert login(org.user("alice")).get(reverse("incidents:queue", args=[name])).status_code == 404
    assert login(org.user("bob")).get(reverse("incidents:queue", args=["autre"])).status_code == 404


def test_queue_filters(org, login):
    declare(org.user("alice"), category="copyright")
    other = declare(org.user("alice"), category="netiquette")
    client = login(org.user("diane"))
    page = client.get(reverse("incidents:queue", args=["a-traiter"])).content.decode()
    assert page.count("INC-") == 0  # at manager level: not DCAI's to handle
    page = client.get(
        reverse("incidents:queue", args=["a-traiter"]), {"category": "netiquette"}
    ).content.decode()
    bob_page = (
        login(org.user("bob"))
        .get(
            reverse("incidents:queue", args=["a-traiter"]),
            {
                "category": "netiquette",
                "level": "manager",
                "direction": org.care.pk,
                "date_from": "2020-01-01",
            },
        )
        .content.decode()
    )
    assert other.reference in bob_page and bob_page.count("INC-") == 1


def test_recently_closed_queue(org, login):
    incident = declare(org.user("alice"))
    services.incident_close(incident=incident, actor=org.user("bob"), outcome="unfounded", reason="x")
    for name in ("bob", "diane"):
        page = (
            login(org.user(name)).get(reverse("incidents:queue", args=["recemment-fermes"])).content.decode()
        )
        assert incident.reference in page
    page = (
        login(org.user("carol")).get(reverse("incidents:queue", args=["recemment-fermes"])).content.decode()
    )
    assert incident.reference not in page


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _many(org, n):
    """n incidents: half overdue at manager level, half closed by bob, some urgent, two categories."""
    kinds = [
        (Incident.Level.MANAGER, "other", False),
        (Incident.Level.CLOSED, "other", True),
        (Incident.Level.MANAGER, "copyright", True),
        (Incident.Level.CLOSED, "copyright", False),
    ]
    for i, (level, category, urgent) in enumerate(kinds):
        build_incidents(
            n // 4 + (1 if i < n % 4 else 0),
            declarer=org.user("alice"),
            level=level,
            category=category,
            patient_info_exposed=urgent,
            urgent=urgent,
            deadline_at=timezone.now(),
        )


@pytest.mark.parametrize(
    ("user", "url"),
    [
        ("alice", reverse("incidents:mine")),
        ("bob", reverse("incidents:queue", args=["a-traiter"])),
        ("bob", reverse("incidents:queue", args=["en-retard"])),
        ("diane", reverse("incidents:queue", args=["recemment-fermes"]) + "?category=other"),
        ("bob", reverse("incidents:queue", args=["recemment-fermes"]) + "?page=2"),
    ],
)
def test_list_pages_cost_a_constant_number_of_queries(org, login, django_assert_max_num_queries, user, url):
    client = login(org.user(user))
    _many(org, 2)
    few = _count_queries(client, url)
    _many(org, 28)
    many = _count_queries(client, url)
    assert many <= few
    with django_assert_max_num_queries(20):
        client.get(url)


def test_detail_page_query_count(org, login, django_assert_max_num_queries):
    incident = declare(org.user("alice"))
    for i in range(5):
        services.incident_add_note(incident=incident, actor=org.user("bob"), body=str(i))
    client = login(org.user("bob"))
    with django_assert_max_num_queries(30):
        client.get(incident.get_absolute_url())


def _panels(user):
    """This app's home panels, rendered as the home page renders them."""
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from incidents.home import panels

    request = RequestFactory().get("/")
    request.user = user
    with CaptureQueriesContext(connection) as ctx:
        result = panels(request)
    html = "".join(render_to_string(p["template"], {"panel": p}) + str(p["title"]) for p in result)
    return html, len(ctx.captured_queries)


def test_home_panels(org):
    incident = declare(org.user("alice"))
    services.incident_request_information(incident=incident, actor=org.user("bob"), question="?")
    html, _queries = _panels(org.user("alice"))
    assert incident.reference in html and "attendent une réponse" in html
    html, _queries = _panels(org.user("bob"))
    assert "1 incident à traiter" in html
    html, _queries = _panels(org.user("harry"))
    assert "Incidents dans l'établissement" in html and incident.reference not in html
    assert 'Ouverts</dt><dd class="col-4">1<' in html


def test_home_panels_cost_a_constant_number_of_queries(org):
    _many(org, 2)
    from django.contrib.auth import get_user_model

    def fresh(name):  # a new user object: its roles are computed again, as on a new request
        return get_user_model().objects.get(username=name)

    few = [_panels(fresh(name))[1] for name in ("alice", "bob", "diane", "harry")]
    _many(org, 28)
    many = [_panels(fresh(name))[1] for name in ("alice", "bob", "diane", "harry")]
    assert many == few and max(many) <= 8


def test_navigation_by_role(org, login):
    page = login(org.user("alice")).get(reverse("incidents:mine")).content.decode()
    assert reverse("incidents:declare") in page and reverse("incidents:mine") in page
    assert reverse("incidents:queue", args=["a-traiter"]) not in page
    for name in ("bob", "carol", "diane"):
        page = login(org.user(name)).get(reverse("incidents:mine")).content.decode()
        assert reverse("incidents:queue", args=["a-traiter"]) in page


def test_incidents_root_sends_each_person_to_their_page(org, login):
    assert login(org.user("alice")).get("/incidents/")["Location"] == "/incidents/mes-declarations/"
    assert login(org.user("diane")).get("/incidents/")["Location"] == "/incidents/file/a-traiter/"


def test_institution_counts_for_hr_hand_counted(org):
    """Open, overdue, declared and closed in 30 days, each counted on its own index, in one query."""
    from datetime import timedelta

    from django.utils import timezone

    from incidents.models import Incident
    from incidents.selectors import institution_counts
    from tests.incidents.factories import build_incidents

    now = timezone.now()
    assert institution_counts(now) == {"open": 0, "overdue": 0, "declared_30d": 0, "closed_30d": 0}
    build_incidents(2, declarer=org.user("alice"), deadline_at=now - timedelta(hours=1))  # open, overdue
    build_incidents(1, declarer=org.user("alice"), level=Incident.Level.DCAI, deadline_at=now + timedelta(days=1))
    closed = build_incidents(2, declarer=org.user("alice"), level=Incident.Level.CLOSED)
    Incident.objects.filter(pk=closed[0].pk).update(
        created_at=now - timedelta(days=60), closed_at=now - timedelta(days=40)
    )
    with CaptureQueriesContext(connection) as ctx:
        counts = institution_counts(now)
    assert len(ctx.captured_queries) == 1
    assert counts == {"open": 3, "overdue": 2, "declared_30d": 4, "closed_30d": 1}
