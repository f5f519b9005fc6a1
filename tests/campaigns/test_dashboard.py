"""Dashboard figures against a hand-counted institution; exports; constant query counts."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from policies.campaigns import services
from policies.campaigns.models import AcknowledgementRequest
from portal.models import Direction
from tests.factories import DirectionFactory, make_staff

from .factories import make_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted(org, version, launched):
    """The personas' campaign, by hand:

    DSP: carol (head), bob (manager carol), alice (manager bob) · DRH: harry · DCAI: dora (head), diane
    (manager dora) · DST: olga, oscar (manager olga). A ninth person, gaston (DSP, manager bob), left.
    Confirmed: alice, harry, diane. Late (due date passed): bob, oscar.
    """
    gaston = make_staff("gaston", org.care, manager=org.bob)
    AcknowledgementRequest.objects.create(campaign=launched, profile=gaston, due_on=launched.due_on)
    gaston.is_active = False
    gaston.save()
    for name in ("alice", "harry", "diane"):
        services.acknowledgement_record(user=org.user(name), version=version, attestation="Lu")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    AcknowledgementRequest.objects.filter(profile__in=[org.bob, org.oscar]).update(due_on=yesterday)
    return launched


def test_dashboard_numbers_match_the_hand_count(org, counted, login):
    response = login(org.user("harry")).get(reverse("campaigns:dashboard", args=[counted.pk]))
    assert response.status_code == 200
    summary = response.context["summary"]
    assert (summary.total, summary.done, summary.pending, summary.overdue, summary.rate) == (8, 3, 5, 2, 37.5)
    by_direction = {g.code: (g.total, g.done, g.overdue, g.rate) for g in response.context["by_direction"]}
    assert by_direction == {
        "DCAI": (2, 1, 0, 50.0),
        "DRH": (1, 1, 0, 100.0),
        "DSP": (3, 1, 1, 33.3),
        "DST": (2, 0, 1, 0.0),
    }
    managers = {g.name or None: (g.total, g.done, g.overdue) for g in response.context["managers"]}
    assert managers == {
        "Test, Bob": (1, 1, 0),  # alice (gaston left)
        "Test, Carol": (1, 0, 1),  # bob, late
        "Test, Dora": (1, 1, 0),  # diane
        "Test, Olga": (1, 0, 1),  # oscar, late
        None: (4, 1, 0),  # carol, harry, dora, olga: nobody above them
    }
    # Lowest completion first, people without a manager last.
    names = [g.name for g in response.context["managers"]]
    assert names[:2] == ["Test, Carol", "Test, Olga"] and names[-1] == ""
    points = response.context["points"]
    assert points[-1].done == 3 and points[-1].rate == 37.5
    page = response.content.decode()
    assert "<svg" in page and "<polyline" in page and "style=" not in page and "<script>" not in page


def test_people_list_filters(org, counted, login):
    client = login(org.user("harry"))
    url = reverse("campaigns:people", args=[counted.pk])

    def names(query=""):
        response = client.get(url + query)
        assert response.status_code == 200
        return {row.profile.user.username for row in response.context["page_obj"]}

    assert names() == {"alice", "bob", "carol", "harry", "dora", "diane", "olga", "oscar"}
    assert names(f"?direction={org.care.pk}") == {"alice", "bob", "carol"}
    assert names(f"?manager={org.bob.pk}") == {"alice"}
    assert names("?status=done") == {"alice", "harry", "diane"}
    assert names("?status=overdue") == {"bob", "oscar"}
    assert names("?status=pending") == {"bob", "carol", "dora", "olga", "oscar"}
    assert names(f"?direction={org.care.pk}&status=overdue") == {"bob"}


def _csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def _xlsx_rows(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [["" if c.value is None else c.value for c in row] for row in sheet.iter_rows()]


def test_exports_open_and_match_the_list(org, counted, login):
    org.alice.user.last_name = '=HYPERLINK("http://evil")'
    org.alice.user.save()
    client = login(org.user("harry"))
    csv_response = client.get(reverse("campaigns:export", args=[counted.pk, "csv"]) + "?status=done")
    xlsx_response = client.get(reverse("campaigns:export", args=[counted.pk, "xlsx"]) + "?status=done")
    assert csv_response["Content-Type"].startswith("text/csv")
    assert "attachment" in xlsx_response["Content-Disposition"]
    from_csv, from_xlsx = _csv_rows(csv_response), _xlsx_rows(xlsx_response)
    assert (
        from_csv[0]
        == from_xlsx[0]
        == [
            "Matricule",
            "Nom",
            "Prénom",
            "Direction",
            "Gestionnaire",
            "Catégorie",
            "Statut",
            "Échéance",
            "Confirmée le",
        ]
    )
    assert len(from_csv) == len(from_xlsx) == 4
    # Same people, same order, same cells (dates aside, which each format writes its own way).
    assert [row[:7] for row in from_csv[1:]] == [row[:7] for row in from_xlsx[1:]]
    by_first = {row[2]: row for row in from_csv[1:]}
    assert set(by_first) == {"Alice", "Harry", "Diane"}
    assert by_first["Alice"][1].startswith("'=")  # formula neutralised
    assert (
        by_first["Alice"][3] == "DSP"
        and by_first["Alice"][4] == "Bob Test"
        and by_first["Alice"][6] == "Confirmée"
    )
    assert all(row[8] for row in from_csv[1:])
    # The drill-down page shows the same people.
    page = client.get(reverse("campaigns:people", args=[counted.pk]) + "?status=done")
    listed = [row.profile.employee_number for row in page.context["page_obj"]]
    assert listed == [row[0] for row in from_csv[1:]]


def test_direction_head_exports_only_their_direction(org, counted, login):
    response = login(org.user("carol")).get(reverse("campaigns:export", args=[counted.pk, "csv"]))
    assert {row[3] for row in _csv_rows(response)[1:]} == {"DSP"}


# --- Constant query counts ---------------------------------------------------------------------------


def _grow(org, version, extra_directions=4, per_direction=12):
    """Add directions, managers and staff, then a second campaign covering them: many rows."""
    for d in range(extra_directions):
        direction = DirectionFactory(code=f"X{d}", role=Direction.Role.OTHER)
        manager = make_staff(f"m{d}", direction)
        for i in range(per_direction):
            make_staff(f"s{d}_{i}", direction, manager=org.bob if i % 3 == 0 else manager)


def _count(django_assert_max_num_queries, client, url, limit=20):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert len(queries) <= limit, [q["sql"][:120] for q in queries]
    return len(queries)


@pytest.mark.parametrize(
    ("user", "view"),
    [
        ("harry", "campaigns:dashboard"),
        ("harry", "campaigns:people"),
        ("carol", "campaigns:dashboard"),
        ("bob", "campaigns:team"),
        ("harry", "campaigns:list"),
        ("harry", "campaigns:detail"),
    ],
)
def test_pages_cost_the_same_queries_with_many_rows(
    org, version, launch, login, user, view, django_assert_max_num_queries
):
    few = launch(make_campaign(version), org.user("harry"))
    services.acknowledgement_record(user=org.user("alice"), version=version, attestation="Lu")
    client = login(org.user(user))
    args = [] if view == "campaigns:list" else [few.pk]
    small = _count(django_assert_max_num_queries, client, reverse(view, args=args))
    _grow(org, version)
    many = launch(make_campaign(version), org.user("harry"))
    services.acknowledgement_record(user=org.user("bob"), version=version, attestation="Lu")
    client = login(org.user(user))
    args = [] if view == "campaigns:list" else [many.pk]
    assert AcknowledgementRequest.objects.filter(campaign=many).count() > 50
    large = _count(django_assert_max_num_queries, client, reverse(view, args=args))
    assert large <= small


@pytest.mark.parametrize("user", ["alice", "bob", "harry"])
def test_home_panels_cost_the_same_queries_with_many_requests(org, version, launch, login, user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    launch(make_campaign(version), org.user("harry"))
    client = login(org.user(user))
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("home"))
    for _ in range(4):
        launch(make_campaign(version), org.user("harry"))
    _grow(org, version, extra_directions=1)
    client = login(org.user(user))
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("home"))
    assert len(many) <= len(few)
