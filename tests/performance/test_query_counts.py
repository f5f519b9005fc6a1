"""Query counts of the pages `manage.py bench` measures (docs/rules.md, "Performance"): each page at most
12 queries, the same number at 20 and at 200 incidents, and at most 2 before the view (the session, then the
person with their roles and unread count)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents import services
from incidents.bench import bench_register_entry
from incidents.models import Incident, RegisterEntry
from portal.notifications.services import notify
from portal.roles import roles_for
from tests.incidents.factories import build_incidents

from . import floor

MAX_QUERIES = 12
MAX_FLOOR = 2
SMALL, LARGE = 20, 200

QUEUE = "incidents:queue"
PAGES = [
    ("bob", reverse(QUEUE, args=["a-traiter"])),
    ("bob", reverse(QUEUE, args=["en-retard"])),
    ("bob", reverse(QUEUE, args=["recemment-fermes"])),
    ("carol", reverse(QUEUE, args=["a-traiter"])),
    ("carol", reverse(QUEUE, args=["recemment-fermes"]) + "?category=reputation"),
    ("diane", reverse(QUEUE, args=["a-traiter"])),
    ("diane", reverse(QUEUE, args=["en-retard"]) + "?page=2"),
    ("diane", reverse(QUEUE, args=["recemment-fermes"]) + "?level=closed&category=copyright"),
    ("diane", reverse("incidents:register_list")),
    ("alice", reverse("incidents:mine")),
    # Each home, DCAI's and a direction head's included: the panels merge their counts (conditional and
    # window aggregates) and share the request's flags with the navigation.
    *((name, reverse("home")) for name in ("alice", "bob", "carol", "diane", "harry", "oscar")),
]


def _incidents(org, count: int) -> None:
    """`count` incidents of alice's team at every level, a third of the open ones overdue, two categories,
    one closed incident in five registered by DCAI."""
    past = timezone.now() - timedelta(days=1)
    shares = [
        (Incident.Level.MANAGER, {"deadline_at": past}),
        (Incident.Level.MANAGER, {"category": Incident.Category.COPYRIGHT}),
        (Incident.Level.DIRECTION, {}),
        (Incident.Level.DCAI, {"deadline_at": past, "patient_info_exposed": True}),
        (Incident.Level.DCAI, {}),
        (Incident.Level.CLOSED, {"category": Incident.Category.COPYRIGHT}),
    ]
    for i, (level, fields) in enumerate(shares):
        rows = build_incidents(
            count // len(shares) + (1 if i < count % len(shares) else 0),
            declarer=org.user("alice"),
            level=level,
            **fields,
        )
        if level == Incident.Level.CLOSED:
            _register(org, rows[::5])


def _register(org, incidents) -> None:
    today = timezone.localdate()
    RegisterEntry.objects.bulk_create(
        bench_register_entry(incident_id=incident.pk, learned=today, created_by=org.user("diane"))
        for incident in incidents
    )


def _queries(client, url) -> tuple[int, int]:
    """(queries of the request, queries before its view), after a first request (the session's first
    writes and anything a first visit records once)."""
    client.get(url)
    floor.seen.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), floor.seen[-1] - ctx.initial_queries


@pytest.fixture
def probe(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.performance.floor.QueriesBeforeView"]


@pytest.mark.parametrize(("who", "url"), PAGES)
def test_each_page_costs_the_same_few_queries_at_20_and_200_incidents(org, login, probe, who, url):
    client = login(org.user(who))
    _incidents(org, SMALL)
    small, small_floor = _queries(client, url)
    _incidents(org, LARGE - SMALL)
    large, large_floor = _queries(client, url)
    assert Incident.objects.count() == LARGE
    assert large == small, f"{url}: {small} queries at {SMALL} incidents, {large} at {LARGE}"
    assert large <= MAX_QUERIES
    assert small_floor == large_floor <= MAX_FLOOR


# The audit trail costs two INSERTs per view (the access log and portal/audit); the page reads with the
# incident whether each of its lists has rows (incidents.selectors.page.SECTIONS_PRESENT), so an empty
# section costs no query.
@pytest.mark.parametrize("who", ["alice", "bob", "diane"])
def test_incident_page_costs_the_same_few_queries_whatever_the_table(org, login, probe, who):
    incident = build_incidents(1, declarer=org.user("alice"), level=Incident.Level.MANAGER)[0]
    services.incident_add_note(incident=incident, actor=org.user("bob"), body="Note interne.")
    if who == "diane":
        Incident.objects.filter(pk=incident.pk).update(level=Incident.Level.DCAI)
        _register(org, [incident])
    client = login(org.user(who))
    url = incident.get_absolute_url()
    _incidents(org, SMALL)
    small, small_floor = _queries(client, url)
    _incidents(org, LARGE - SMALL)
    large, large_floor = _queries(client, url)
    assert large == small <= MAX_QUERIES
    assert small_floor == large_floor <= MAX_FLOOR


def test_roles_and_the_unread_count_are_one_query(org, django_assert_num_queries):
    user = org.user("carol")
    notify(kind="notifications.notice", recipient=user)
    with django_assert_num_queries(1):
        roles = roles_for(user)
    assert roles.headed_direction_ids == {org.care.pk} and roles.is_manager
    assert roles.unread_notifications == 1


def test_the_unread_count_of_the_navigation_is_never_stale(org, login):
    client = login(org.user("alice"))
    client.get(reverse("incidents:mine"))
    notify(kind="notifications.notice", recipient=org.user("alice"))
    notify(kind="notifications.notice", recipient=org.user("alice"))
    html = client.get(reverse("incidents:mine")).content.decode()
    assert 'text-bg-warning">2<span class="visually-hidden"> non lues' in html


def test_the_person_of_a_request_is_read_with_their_roles(org, login, django_assert_num_queries):
    from portal.roles import active_user_with_roles

    carol = org.user("carol")
    with django_assert_num_queries(1):
        user = active_user_with_roles(str(carol.pk))  # as the session keeps it
        roles = roles_for(user)
    assert user == carol and user.get_session_auth_hash() == carol.get_session_auth_hash()
    assert roles.headed_direction_ids == {org.care.pk} and roles.profile.direction == carol.profile.direction
    carol.is_active = False
    carol.save(update_fields=["is_active"])
    assert active_user_with_roles(carol.pk) is None
    assert active_user_with_roles("not-a-number") is None and active_user_with_roles(987_654_321) is None
    # A deactivated account's session no longer opens a page: the next request is sent to sign in.
    client = login(org.user("bob"))
    assert client.get(reverse("incidents:mine")).status_code == 200
    type(carol).objects.filter(username="bob").update(is_active=False)
    assert "/comptes/connexion/" in client.get(reverse("incidents:mine"))["Location"]


def test_a_role_given_between_two_requests_counts_at_the_next_one(org, login):
    from portal.permissions import direction_delegate_add

    client = login(org.user("oscar"))
    assert client.get(reverse(QUEUE, args=["a-traiter"])).status_code == 404
    direction_delegate_add(user=org.user("oscar"), direction=org.care)
    assert client.get(reverse(QUEUE, args=["a-traiter"])).status_code == 200


def test_templates_are_compiled_once_outside_debug(settings):
    from django.template import engines

    settings.DEBUG = False
    engine = engines["django"].engine
    assert [type(loader).__module__ for loader in engine.template_loaders] == ["django.template.loaders.cached"]


@pytest.mark.parametrize("queue", ["a-traiter", "recemment-fermes"])
def test_a_queue_reads_only_the_columns_its_rows_show(org, login, queue):
    """An incident row has some fifty columns (descriptions, every level's dates) and a person a password hash:
    the queue's page reads only what its rows and their holder show
    (incidents.templatetags.incident_cells.QUEUE_ROW_FIELDS)."""
    _incidents(org, SMALL)
    client = login(org.user("diane"))
    url = reverse(QUEUE, args=[queue])
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(url).content.decode()
    page_query = next(q["sql"] for q in ctx.captured_queries if '"incidents_incident"."reference"' in q["sql"])
    assert '"incidents_incident"."description"' not in page_query
    assert '"incidents_incident"."reached_dcai_at"' not in page_query
    assert '"password"' not in page_query
    assert '"incidents_incident"."deadline_at"' in page_query and html.count('<tr><th scope="row">') > 1
