"""DCAI's search and the statistics cost the same few queries at any size (README, "Performance"), the search
counts its matches only up to a cap, and the document PostgreSQL keeps for the search follows every change
of a description or of the notes (migration incidents 0007)."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident, InternalNote
from incidents.selectors import Criteria, search_incidents
from incidents.services import incident_add_note
from incidents.statistics import period as periods
from incidents.statistics.figures import MONTHS_IN_ONE_PASS, incident_figures
from policies.compliance import acknowledgement_compliance
from tests.campaigns.factories import VersionFactory
from tests.incidents.factories import build_incidents, declare

from .factories import at, incident

pytestmark = pytest.mark.django_db
SEARCH = reverse("incidents:search")
STATISTICS = reverse("incidents:statistics")
SMALL, LARGE = 6, 60
# Session, user and roles, the form's directions, the capped count, the page's ids, its rows.
MAX_SEARCH_QUERIES = 7
# The page's own: the directions, one pass over the incidents, takedowns, register, the institution's indicators
# (acknowledgements, roster, policy); one more for the months of a period over three years, and one more on
# SQLite, which reads the times to take their percentiles.
MAX_STATISTICS_QUERIES = 12


def _queries(client, url, params) -> int:
    client.get(url, params)  # the session's first writes
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _incidents(org, count: int) -> None:
    """`count` incidents at every level, of two declarers, two directions and two categories."""
    shares = [
        ("alice", Incident.Level.MANAGER, {"urgent": True}),
        ("alice", Incident.Level.CLOSED, {"category": Incident.Category.COPYRIGHT}),
        ("oscar", Incident.Level.DIRECTION, {"deadline_at": timezone.now() - timedelta(hours=1)}),
    ]
    for name, level, fields in shares:
        build_incidents(count // len(shares), declarer=org.user(name), level=level, **fields)


SEARCHES = [
    {},
    {"q": "publication", "sort": "deadline", "page": "2"},
    {"q": "publication -chambre", "sort": "level"},
    {"person": "Alice", "person_role": "declarer"},
    {"person": "Bob", "person_role": "handler", "sort": "direction"},
    {"urgent": "oui", "status": "en-cours", "sort": "deadline"},
    {"category": "copyright", "level": "closed", "sort": "-category"},
    {"overdue": "on", "declared_from": "2020-01-01", "sort": "reference"},
]


@pytest.mark.parametrize("params", SEARCHES)
def test_each_search_costs_the_same_few_queries_at_any_size(org, login, params):
    client = login(org.user("diane"))
    _incidents(org, SMALL)
    small = _queries(client, SEARCH, params)
    _incidents(org, LARGE - SMALL)
    large = _queries(client, SEARCH, params)
    assert large == small <= MAX_SEARCH_QUERIES, params


@pytest.mark.parametrize("params", [{}, {"period": "12m"}, {"period": "custom", "start": "2021-01-01"}])
def test_the_statistics_cost_the_same_few_queries_at_any_size(org, login, settings, params):
    settings.STATISTICS_CACHE_SECONDS = 0  # counted at each page, as after any action
    assert acknowledgement_compliance(version=VersionFactory())["version"] is not None  # its compliance too
    params = {**params, "end": timezone.localdate().isoformat()} if "start" in params else params
    client = login(org.user("diane"))
    _incidents(org, SMALL)
    small = _queries(client, STATISTICS, params)
    _incidents(org, LARGE - SMALL)
    large = _queries(client, STATISTICS, params)
    assert large == small <= MAX_STATISTICS_QUERIES, params


def test_past_the_cap_the_search_says_more_than_and_still_pages(org, login, monkeypatch):
    from incidents.views import search as search_view

    monkeypatch.setattr(search_view, "COUNT_CAP", 4)
    monkeypatch.setattr(search_view, "PAGE_SIZE", 2)
    build_incidents(7, declarer=org.user("alice"))
    client = login(org.user("diane"))
    page = client.get(SEARCH, {"sort": "reference"})
    html = page.content.decode()
    assert page.context["page_obj"].paginator.capped
    assert "Plus de 4 incidents trouvés" in html and "incidents trouvés</caption>" not in html
    assert "Page 1 sur" not in html  # no number of pages it cannot know
    assert "page=2" in html
    # Under the cap the count is exact.
    assert client.get(SEARCH, {"q": "", "level": "closed"}).context["page_obj"].paginator.count == 0
    page = login(org.user("diane")).get(SEARCH, {"person": "Alice", "sort": "reference", "page": "2"})
    assert [i.reference for i in page.context["incidents"]] == sorted(
        Incident.objects.values_list("reference", flat=True)
    )[2:4]


def test_a_month_by_month_period_longer_than_one_pass_counts_the_same(org):
    """A long custom period groups its months apart: the same figures as counted by hand."""
    dsp = org.care
    incident(org.user("alice"), created=at("2021-03-15"), direction=dsp, level=Incident.Level.DCAI)
    incident(org.user("alice"), created=at("2024-11-02"), direction=dsp, level=Incident.Level.DCAI)
    incident(org.user("alice"), created=at("2024-11-30", 23), direction=None, level=Incident.Level.DCAI)
    with time_machine.travel("2025-01-10 12:00:00-05:00", tick=False):
        period = periods.custom(date(2021, 1, 1), date(2025, 1, 9))
        assert len(period.months()) > MONTHS_IN_ONE_PASS
        figures = incident_figures(period)
    counted = {token: n for token, n in figures["by_month"] if n}
    assert counted == {"2021-03": 1, "2024-11": 2}
    assert len(figures["by_month"]) == len(period.months())
    assert [(code, n) for code, _fr, _en, n in figures["by_direction"]] == [("DSP", 2), ("", 1)]


def _found(org, text: str) -> set[int]:
    return set(search_incidents(org.user("diane"), Criteria(text=text)).values_list("pk", flat=True))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the stored document is PostgreSQL's")
def test_the_search_document_follows_descriptions_and_notes(org):
    first = declare(org.user("alice"), description="Une photo de la cafétéria circule.")
    other = declare(org.user("alice"), description="Un commentaire sur le stationnement.")
    assert _found(org, "cafeteria") == {first.pk}
    # A note added through the service, and one written in bulk: both are found at once.
    incident_add_note(incident=first, actor=org.user("bob"), body="Le compte appartient à un ancien stagiaire.")
    InternalNote.objects.bulk_create(
        [
            InternalNote(
                incident=other,
                author=org.user("bob"),
                level="manager",
                body="Capture conservée par le stagiaire de garde.",
            )
        ]
    )
    assert _found(org, "stagiaire") == {first.pk, other.pk}
    assert _found(org, "cafeteria stagiaire") == {first.pk}  # every word, across the description and a note
    # A note changed or removed no longer finds the incident; a description changed finds its new words only.
    InternalNote.objects.filter(incident=other).update(body="Capture conservée.")
    InternalNote.objects.filter(incident=first).delete()
    assert _found(org, "stagiaire") == set()
    Incident.objects.filter(pk=first.pk).update(description="Une vidéo du stationnement.")
    assert _found(org, "cafeteria") == set()
    assert _found(org, "stationnement") == {first.pk, other.pk}
    assert _found(org, "capture") == {other.pk}
