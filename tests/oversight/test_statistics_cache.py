"""The statistics page keeps its figures a few minutes, and counts afresh after any action on an incident or
the register; a board report leaves its figures for the page of the same period (incidents.statistics.cache)."""

import uuid

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents.models import Incident
from incidents.services import board_report_generate, incident_take_in_charge
from incidents.statistics import period as periods
from tests.incidents.factories import declare

from .test_statistics import NOW, institution  # noqa: F401 - the hand-counted institution

pytestmark = pytest.mark.django_db
URL = reverse("incidents:statistics")


@pytest.fixture
def kept(settings):
    """The cache on, in a cache of this test alone (tests reuse ids: another test's key could match)."""
    settings.STATISTICS_CACHE_SECONDS = 300
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex},
    }


def total(client, **params) -> int:
    return client.get(URL, params).context["stats"]["figures"]["total"]


def test_kept_until_an_action_then_counted_afresh(org, login, kept):
    first = declare(org.user("alice"))
    client = login(org.user("diane"))
    with CaptureQueriesContext(connection) as counted:
        assert total(client) == 1
    # A change that no action made (no event row): the kept figures are shown, and nothing is counted.
    Incident.objects.filter(pk=first.pk).update(created_at=first.created_at.replace(year=2001))
    with CaptureQueriesContext(connection) as read:
        assert total(client) == 1
    assert len(read.captured_queries) <= len(counted.captured_queries) - 4
    page = client.get(URL)
    assert page.context["computed_at"].isoformat() == page.context["stats"]["figures"]["computed_at"]
    assert "Chiffres comptés le" in page.content.decode()
    # Any action writes an event row: the next page counts afresh.
    incident_take_in_charge(incident=first, actor=org.user("bob"))
    assert total(client) == 0  # declared in 2001 now


def test_each_period_and_direction_is_kept_apart(org, login, kept):
    declare(org.user("alice"))
    client = login(org.user("diane"))
    assert total(client) == 1
    assert total(client, direction=org.tech.pk) == 0
    assert total(client, direction=org.care.pk) == 1


@time_machine.travel(NOW, tick=False)
def test_the_page_after_a_board_report_shows_its_very_figures(org, institution, login, kept,  # noqa: F811
                                                              django_capture_on_commit_callbacks):
    pytest.importorskip("weasyprint")
    with django_capture_on_commit_callbacks(execute=True):
        report = board_report_generate(actor=org.user("diane"), period=periods.year(2025))
    page = login(org.user("diane")).get(URL, {"period": "2025"})
    assert page.context["stats"]["figures"] == report.figures["incidents"]
    assert page.context["stats"]["figures"]["computed_at"] == report.figures["incidents"]["computed_at"]


def test_off_when_set_to_zero(org, login, settings):
    settings.STATISTICS_CACHE_SECONDS = 0
    first = declare(org.user("alice"))
    client = login(org.user("diane"))
    assert total(client) == 1
    Incident.objects.filter(pk=first.pk).update(created_at=first.created_at.replace(year=2001))
    assert total(client) == 0


def test_the_default_view_is_counted_ahead_once_the_data_changed(org, login, kept):
    """The beat job counts the last twelve months for every direction when the data changed since, so the
    page that follows only reads them; with nothing new it counts nothing."""
    from incidents.statistics.cache import warm
    from incidents.tasks import warm_statistics

    first = declare(org.user("alice"))
    assert warm_statistics() is True
    assert warm() is False  # nothing changed since
    client = login(org.user("diane"))
    with CaptureQueriesContext(connection) as read:
        assert total(client) == 1
    assert not any("COUNT" in query["sql"].upper() and "incidents_incident" in query["sql"] for query in read)
    incident_take_in_charge(incident=first, actor=org.user("bob"))
    assert warm() is True


def test_nothing_is_counted_ahead_when_figures_are_never_kept(org, settings):
    from incidents.statistics.cache import warm

    settings.STATISTICS_CACHE_SECONDS = 0
    declare(org.user("alice"))
    assert warm() is False
