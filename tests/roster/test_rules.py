"""A button is shown exactly when its service would accept the request (rules.*_refusal, one place)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal.roster import services
from portal.roster.models import Designation
from portal.roster.rules import DESIGNATION_WORKFLOW
from tests.factories import make_staff

from .factories import DesignationFactory, acknowledge

Status = Designation.Status
ACTORS = ["diane", "dora", "carol", "alice", "bob"]
ACTIONS = {
    "confirm": lambda d, u: services.designation_confirm(designation=d, actor=u, comment=""),
    "refuse": lambda d, u: services.designation_refuse(designation=d, actor=u, comment="Non"),
    "revoke": lambda d, u: services.designation_revoke(designation=d, actor=u, reason="Fin du mandat"),
    "remind": lambda d, u: services.designation_remind_acknowledgement(designation=d, actor=u),
}


class _Undo(Exception):
    pass


def service_accepts(call, designation, user) -> bool:
    """Run the service and undo what it wrote: True when it accepted, False when it refused."""
    try:
        with transaction.atomic():
            call(designation, user)
            raise _Undo
    except _Undo:
        return True
    except (PermissionDenied, ValidationError):
        return False


@pytest.fixture
def designations(org, accounts, acknowledged):
    """One designation per situation a confirm button must take into account."""
    today = timezone.localdate()
    newcomer = make_staff("eve", org.care)  # has not acknowledged the version in force
    departed = make_staff("gina", org.care)
    acknowledge(departed.user, acknowledged)
    departed.is_active = False
    departed.save()
    acknowledge(org.user("diane"), acknowledged)
    common = {"accounts": [accounts["facebook"]]}
    return {
        "pending": DesignationFactory(profile=org.alice, designated_by=org.user("carol"), **common),
        "not_acknowledged": DesignationFactory(profile=newcomer, designated_by=org.user("carol"), **common),
        "designated_by_dcai": DesignationFactory(profile=org.diane, designated_by=org.user("dora"), **common),
        "period_over": DesignationFactory(
            profile=org.bob,
            designated_by=org.user("carol"),
            start_date=today - datetime.timedelta(days=20),
            end_date=today - datetime.timedelta(days=1),
            **common,
        ),
        "person_left": DesignationFactory(profile=departed, designated_by=org.user("carol"), **common),
        "active": DesignationFactory(
            profile=org.bob, designated_by=org.user("carol"), status=Status.ACTIVE, accounts=[accounts["x"]]
        ),
        "refused": DesignationFactory(
            profile=org.alice,
            designated_by=org.user("carol"),
            status=Status.REFUSED,
            decision_comment="Non",
            accounts=[accounts["x"]],
        ),
    }


@pytest.mark.parametrize("actor", ACTORS)
def test_each_button_appears_exactly_when_the_service_accepts(org, login, designations, actor):
    user = org.user(actor)
    client = login(user)
    for situation, designation in designations.items():
        response = client.get(reverse("roster:designation", args=[designation.pk]))
        if response.status_code == 404:
            continue  # may not even see it: every action is a 404 as well (test_views)
        body = response.content.decode()
        for action, call in ACTIONS.items():
            shown = reverse(f"roster:designation_{action}", args=[designation.pk]) in body
            fresh = Designation.objects.get(pk=designation.pk)
            assert shown == service_accepts(call, fresh, user), (situation, action)


def test_the_workflow_names_every_status_and_final_ones_allow_nothing():
    assert set(DESIGNATION_WORKFLOW.moves) == set(Status.values)
    for final in (Status.REFUSED, Status.REVOKED):
        assert DESIGNATION_WORKFLOW.actions(final) == frozenset()
    assert DESIGNATION_WORKFLOW.actions(Status.EXPIRED) == {"renew"}
    assert DESIGNATION_WORKFLOW.states_allowing("expire") == {Status.PENDING, Status.ACTIVE}
