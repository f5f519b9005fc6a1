"""roster:read: authorized users in force per official account, and the changes since a moment."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.api.scopes import ROSTER_READ
from portal.roster.models import Designation, DesignationEvent, OfficialAccount
from tests.factories import StaffProfileFactory
from tests.roster.factories import DesignationFactory, OfficialAccountFactory

ACCOUNTS = "/api/v1/roster/accounts/"
CHANGES = "/api/v1/roster/changes/"


@pytest.fixture
def tools(org, token, api):
    return api(token(ROSTER_READ))


def test_only_confirmed_designations_in_force_are_listed_with_their_dates(org, tools):
    today = timezone.localdate()
    facebook = OfficialAccountFactory(direction=org.dcai, handle="chum-fb")
    OfficialAccountFactory(direction=org.dcai, handle="chum-vieux", is_active=False)
    active = DesignationFactory(profile=org.bob, status=Designation.Status.ACTIVE, accounts=[facebook])
    DesignationFactory(profile=org.alice, status=Designation.Status.PENDING, accounts=[facebook])
    DesignationFactory(
        profile=org.carol,
        status=Designation.Status.ACTIVE,
        start_date=today + datetime.timedelta(days=3),
        accounts=[facebook],
    )
    DesignationFactory(profile=org.harry, status=Designation.Status.REVOKED, revocation_reason="x",
                       revoked_at=timezone.now(), accounts=[facebook])
    response = tools.get(ACCOUNTS)
    assert response.status_code == 200
    body = response.json()
    assert [a["handle"] for a in body["results"]] == ["chum-fb"]
    users = body["results"][0]["authorized_users"]
    assert users == [
        {
            "employee_number": org.bob.employee_number,
            "first_name": "Bob",
            "last_name": "Test",
            "email": org.bob.user.email,
            "designation": active.reference,
            "role": "publisher",
            "direction": "DSP",
            "start_date": active.start_date.isoformat(),
            "end_date": active.end_date.isoformat(),
        }
    ]
    # Another day, other people: Carol starts in three days.
    later = tools.get(ACCOUNTS, {"on": (today + datetime.timedelta(days=4)).isoformat()}).json()
    assert {u["employee_number"] for u in later["results"][0]["authorized_users"]} == {
        org.bob.employee_number,
        org.carol.employee_number,
    }
    everything = tools.get(ACCOUNTS, {"include_inactive": "true"}).json()
    assert len(everything["results"]) == 2
    assert "justification" not in str(body)


def test_a_person_who_left_is_no_longer_listed(org, tools):
    account = OfficialAccountFactory(direction=org.dcai)
    DesignationFactory(profile=org.bob, status=Designation.Status.ACTIVE, accounts=[account])
    type(org.bob).objects.filter(pk=org.bob.pk).update(is_active=False)
    assert tools.get(ACCOUNTS).json()["results"][0]["authorized_users"] == []


def test_changes_since_a_moment_in_order_without_reasons(org, tools):
    account = OfficialAccountFactory(direction=org.dcai, platform=OfficialAccount.Platform.INSTAGRAM)
    before = timezone.now() - datetime.timedelta(seconds=1)
    designation = DesignationFactory(profile=org.bob, accounts=[account])
    DesignationEvent.objects.create(
        designation=designation,
        action=DesignationEvent.Action.REVOKED,
        actor=org.user("carol"),
        from_status="active",
        to_status="revoked",
        note="Motif confidentiel",
    )
    DesignationEvent.objects.create(
        designation=designation, action=DesignationEvent.Action.RENEWAL_REQUESTED, to_status="active"
    )
    body = tools.get(CHANGES, {"since": before.isoformat()}).json()
    assert [(c["action"], c["status"]) for c in body["results"]] == [("created", "pending"), ("revoked", "revoked")]
    assert body["results"][0]["accounts"] == [{"id": account.pk, "platform": "instagram", "handle": account.handle}]
    assert "Motif confidentiel" not in str(body)
    assert tools.get(CHANGES, {"since": timezone.now().isoformat()}).json()["results"] == []
    assert tools.get(CHANGES, {"since": before.isoformat(), "platform": "x"}).json()["results"] == []


@pytest.mark.parametrize(
    ("url", "params"),
    [(CHANGES, {}), (CHANGES, {"since": "hier"}), (ACCOUNTS, {"on": "2025-02-30"}), (ACCOUNTS, {"cursor": "zz"}),
     (ACCOUNTS, {"platform": "myspace"}), (ACCOUNTS, {"page_size": "0"})],
)
def test_bad_parameters_are_400(tools, url, params):
    response = tools.get(url, params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def _designations(org, accounts, count):
    profiles = StaffProfileFactory.create_batch(count, direction=org.care)
    for profile in profiles:
        DesignationFactory(profile=profile, status=Designation.Status.ACTIVE, accounts=accounts)


def _queries(client, url, params) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries), response.json()


def test_constant_number_of_queries_per_page(org, tools):
    accounts = [OfficialAccountFactory(direction=org.dcai) for _ in range(3)]
    _designations(org, accounts, 2)
    since = (timezone.now() - datetime.timedelta(hours=1)).isoformat()
    tools.get(ACCOUNTS)  # the token's "last used" time is written at most once a minute
    few_accounts, _ = _queries(tools, ACCOUNTS, {})
    few_changes, _ = _queries(tools, CHANGES, {"since": since})
    accounts += [OfficialAccountFactory(direction=org.dcai) for _ in range(5)]
    _designations(org, accounts, 30)
    many_accounts, body = _queries(tools, ACCOUNTS, {"page_size": 4})
    many_changes, changes = _queries(tools, CHANGES, {"since": since, "page_size": 10})
    assert many_accounts == few_accounts == 4  # token, accounts, their people, audit row
    assert many_changes == few_changes == 4  # token, changes, their accounts, audit row
    assert sum(len(a["authorized_users"]) for a in body["results"]) >= 4 * 30
    # Following the cursor visits every change once, and each page costs the same.
    seen, url, params = [], CHANGES, {"since": since, "page_size": 10}
    while url:
        count, page = _queries(tools, url, params)
        assert count == few_changes
        seen += [c["id"] for c in page["results"]]
        url, params = page["next"], {}
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 32
