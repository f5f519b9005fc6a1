"""The staff suggestions of the declaration form are not a directory to harvest: three characters at
least, ten suggestions at most, a per-person rate limit, no employee number shown or confirmed."""

from __future__ import annotations

import html
import re
import string
from datetime import timedelta
from itertools import product

import pytest
import time_machine
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.models import StaffProfile
from portal.people import search as staff_selectors
from tests.factories import StaffProfileFactory, UserFactory

from .cache import fresh_cache_namespace  # noqa: F401 - fixture

pytestmark = pytest.mark.usefixtures("fresh_cache_namespace")

SEARCH = reverse("incidents:staff_search")
OPTION = re.compile(r'<option value="([^"]*)">([^<]*)</option>')
SURNAMES = ["Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie", "Fortin", "Gagné"]
FIRST_NAMES = ["Marie", "Jean", "Louise", "Pierre", "Sophie", "Luc"]


@pytest.fixture
def staff(org):
    """60 more active staff with common names, so a harvester would have plenty to find."""
    for first, last in product(FIRST_NAMES, SURNAMES):
        StaffProfileFactory(direction=org.tech, user=UserFactory(first_name=first, last_name=last))
    return StaffProfile.objects.filter(is_active=True)


def _search(client, text, htmx=True):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.get(SEARCH, {"concerned_staff_name": text}, headers=headers)


def _found(response) -> set[str]:
    return {html.unescape(value) for value, _label in OPTION.findall(response.content.decode())}


def test_two_letter_queries_harvest_nobody(staff, login, settings):
    settings.STAFF_SEARCH_RATE_PER_MINUTE = 1000
    client = login(staff.get(user__username="alice").user)
    pairs = ["".join(p) for p in product("aeiou", "nrlst")][:25] + ["".join(p) for p in product("mgbtl", "aeiou")]
    found: set[str] = set()
    for text in pairs[:50]:
        response = _search(client, text)
        assert response.status_code == 200
        found |= _found(response)
    assert found == set()


def test_no_employee_number_is_ever_shown_or_confirmed(staff, login, settings):
    settings.STAFF_SEARCH_RATE_PER_MINUTE = 1000
    settings.STAFF_SEARCH_RATE_PER_DAY = 1000
    client = login(staff.get(user__username="alice").user)
    numbers = list(staff.values_list("employee_number", flat=True))
    miss = _search(client, "Qwxyz").content
    for number in numbers[:30]:
        assert _search(client, number).content == miss  # exactly as a miss: nothing confirmed
    for text in ["tre", "gag", "mar", "jean roy", "côté"]:
        page = _search(client, text).content.decode()
        assert _found(_search(client, text))
        assert not any(number in page for number in numbers)


def test_suggestions_are_capped_at_ten(staff, login):
    # Gagnon and Gagné: twelve people match "gag", ten are suggested.
    matching = staff.filter(Q(user__first_name__icontains="gag") | Q(user__last_name__icontains="gag"))
    assert matching.count() == 12
    response = _search(login(staff.get(user__username="alice").user), "gag")
    assert len(_found(response)) == 10


def test_each_person_is_rate_limited_per_minute(org, staff, login, settings):
    settings.STAFF_SEARCH_RATE_PER_MINUTE = 5
    client = login(org.user("alice"))
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(5):
            assert _found(_search(client, "tremblay"))
        with CaptureQueriesContext(connection) as ctx:
            throttled = _search(client, "tremblay")
        assert throttled.status_code == 200 and _found(throttled) == set()
        assert "Trop de recherches" in throttled.content.decode()
        assert not any("auth_user" in q["sql"] and "LIKE" in q["sql"] for q in ctx.captured_queries)
        assert _search(client, "tremblay", htmx=False).status_code == 429
        # Someone else is not slowed down by alice.
        assert _found(_search(login(org.user("bob")), "tremblay"))
        # The next minute, alice searches again.
        traveller.shift(timedelta(seconds=61))
        assert _found(_search(login(org.user("alice")), "tremblay"))


def test_each_person_is_rate_limited_per_day(org, staff, login, settings):
    settings.STAFF_SEARCH_RATE_PER_DAY = 3
    client = login(org.user("alice"))
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(3):
            assert _found(_search(client, "gagnon"))
            traveller.shift(timedelta(minutes=2))
        assert _found(_search(client, "gagnon")) == set()


def test_short_queries_do_not_count(org, login, settings):
    settings.STAFF_SEARCH_RATE_PER_MINUTE = 2
    client = login(org.user("alice"))
    for text in ["o", "os", "", "  "] * 5:
        assert _search(client, text).status_code == 200
    assert _found(_search(client, "oscar"))


def test_a_harvester_gets_at_most_the_rate_times_ten(staff, login, settings):
    settings.STAFF_SEARCH_RATE_PER_MINUTE = 20
    client = login(staff.get(user__username="alice").user)
    found: set[str] = set()
    with time_machine.travel(timezone.now(), tick=False):
        for text in ["".join(p) for p in product("aeiou", string.ascii_lowercase[:12], "aeiou")][:60]:
            found |= _found(_search(client, text))
    assert len(found) <= 20 * 10


def test_counters_unavailable_means_no_suggestions_not_an_error(org, login, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(staff_selectors, "get_usage", broken)
    response = _search(login(org.user("alice")), "oscar")
    assert response.status_code == 200 and _found(response) == set()
    assert "Trop de recherches" in response.content.decode()
