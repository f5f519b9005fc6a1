"""acknowledgements:read: per person and per direction for the version in force; filters; stable cursor."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from policies.campaigns.models import AcknowledgementRequest, Campaign
from policies.models import PolicyVersion
from portal.api.scopes import ACKNOWLEDGEMENTS_READ
from portal.models import StaffProfile
from tests.campaigns.factories import VersionFactory, make_campaign
from tests.factories import StaffProfileFactory
from tests.roster.factories import acknowledge

PEOPLE = "/api/v1/acknowledgements/people/"
DIRECTIONS = "/api/v1/acknowledgements/directions/"


@pytest.fixture
def bi(org, token, api):
    return api(token(ACKNOWLEDGEMENTS_READ))


@pytest.fixture
def version(org):
    """Version 10 974 in force: Alice confirmed; Bob asked (due in 30 days); Carol asked, due yesterday."""
    version = VersionFactory(policy__number="10974")
    campaign = make_campaign(version, actor=org.user("harry"), status=Campaign.Status.LAUNCHED)
    late = make_campaign(version, actor=org.user("harry"), status=Campaign.Status.LAUNCHED, due_in_days=-1)
    for profile, which in ((org.alice, campaign), (org.bob, campaign), (org.carol, late)):
        AcknowledgementRequest.objects.create(campaign=which, profile=profile, due_on=which.due_on)
    ack = acknowledge(org.user("alice"), version)
    AcknowledgementRequest.objects.filter(profile=org.alice).update(
        satisfied_at=ack.acknowledged_at, satisfied_on=timezone.localdate(), acknowledgement=ack
    )
    return version


def _by_number(body) -> dict[str, dict]:
    return {p["employee_number"]: p for p in body["results"]}


def test_each_active_person_with_their_status(org, bi, version):
    body = bi.get(PEOPLE).json()
    assert body["version"]["policy"] == "10974" and body["version"]["label"] == version.label
    people = _by_number(body)
    assert len(people) == 8
    assert people[org.alice.employee_number]["status"] == "acknowledged"
    assert people[org.alice.employee_number]["acknowledged_at"]
    assert people[org.bob.employee_number]["status"] == "pending"
    assert people[org.carol.employee_number]["status"] == "overdue"
    assert people[org.oscar.employee_number]["status"] == "not_requested"
    assert people[org.alice.employee_number]["manager"] == org.bob.employee_number
    assert people[org.carol.employee_number]["manager"] is None
    StaffProfile.objects.filter(pk=org.oscar.pk).update(is_active=False)
    assert org.oscar.employee_number not in _by_number(bi.get(PEOPLE).json())


def test_an_older_version_acknowledged_does_not_count(org, bi, version):
    old = VersionFactory(policy=version.policy, status=PolicyVersion.Status.SUPERSEDED)
    acknowledge(org.user("oscar"), old)
    assert _by_number(bi.get(PEOPLE).json())[org.oscar.employee_number]["status"] == "not_requested"


def test_filters_by_direction_and_status(org, bi, version):
    body = bi.get(PEOPLE, {"direction": "dsp"}).json()
    assert set(_by_number(body)) == {p.employee_number for p in (org.alice, org.bob, org.carol)}
    body = bi.get(PEOPLE, {"status": "overdue"}).json()
    assert set(_by_number(body)) == {org.carol.employee_number}
    assert bi.get(PEOPLE, {"status": "lost"}).status_code == 400


def test_updated_since_returns_only_what_changed(org, bi, version):
    moment = timezone.now()
    assert bi.get(PEOPLE, {"updated_since": moment.isoformat()}).json()["results"] == []
    acknowledge(org.user("bob"), version)
    changed = _by_number(bi.get(PEOPLE, {"updated_since": moment.isoformat()}).json())
    assert set(changed) == {org.bob.employee_number}
    assert changed[org.bob.employee_number]["status"] == "acknowledged"
    # Carol's deadline was yesterday: she turned overdue at midnight, so a sync since yesterday sees her.
    yesterday = moment - datetime.timedelta(days=1)
    assert org.carol.employee_number in _by_number(bi.get(PEOPLE, {"updated_since": yesterday.isoformat()}).json())
    assert bi.get(PEOPLE, {"updated_since": (moment + datetime.timedelta(days=1)).isoformat()}).json()["results"] == []


def test_per_direction_counts(org, bi, version):
    body = bi.get(DIRECTIONS).json()
    rows = {d["code"]: d for d in body["directions"]}
    assert rows["DSP"] == {
        "code": "DSP",
        "name_fr": org.care.name_fr,
        "name_en": org.care.name_en,
        "staff": 3,
        "acknowledged": 1,
        "pending": 1,
        "overdue": 1,
        "not_requested": 0,
        "rate": 33.3,
    }
    assert rows["DST"]["not_requested"] == 2
    assert list(rows) == sorted(rows)
    only = bi.get(DIRECTIONS, {"direction": "DST"}).json()["directions"]
    assert [d["code"] for d in only] == ["DST"]


def test_no_version_in_force(org, bi):
    assert bi.get(PEOPLE).json() == {"next": None, "previous": None, "version": None, "results": []}
    assert bi.get(DIRECTIONS).json() == {"version": None, "directions": []}


def test_a_version_in_force_without_campaign_yet(org, bi):
    VersionFactory(policy__number="10974")
    people = bi.get(PEOPLE).json()["results"]
    assert len(people) == 8 and {p["status"] for p in people} == {"not_requested"}
    rows = bi.get(DIRECTIONS).json()["directions"]
    assert sum(d["not_requested"] for d in rows) == 8


def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries), response.json()


def test_cursor_pages_are_stable_and_cost_the_same_queries(org, bi, version):
    bi.get(PEOPLE)  # the token's "last used" time is written at most once a minute
    few, _ = _queries(bi, PEOPLE, {"page_size": 5})
    few_directions, _ = _queries(bi, DIRECTIONS)
    StaffProfileFactory.create_batch(40, direction=org.tech)
    first_count, page = _queries(bi, PEOPLE, {"page_size": 5})
    assert first_count == few
    seen = [p["employee_number"] for p in page["results"]]
    # Someone joins while the client pages through: no row is repeated or skipped.
    StaffProfileFactory(direction=org.care)
    url = page["next"]
    while url:
        count, page = _queries(bi, url)
        assert count == few
        seen += [p["employee_number"] for p in page["results"]]
        url = page["next"]
    assert len(seen) == len(set(seen)) == 8 + 40 + 1
    assert _queries(bi, DIRECTIONS)[0] == few_directions
