"""The home panels whose counts share one query (conditional and window aggregates) count what they
did one query each: designations waiting for DCAI (§7.3), renewals due in a led direction (§7.4), the
person's own designations (§6.3), requests waiting for a decision and questions on one's own (§6.2)."""

import datetime

from django.test import RequestFactory
from django.utils import timezone

from portal.roster.home import panels as roster_panels
from portal.roster.models import Designation
from publishing.home import panels as publishing_panels
from publishing.models import AuthorisationRequest
from tests.publishing.conftest import ask
from tests.roster.factories import DesignationFactory


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def _by_template(panels) -> dict:
    return {panel.get("kind") or panel["template"].rsplit("/", 1)[-1]: panel for panel in panels}


def test_roster_panels_count_waiting_and_renewals_and_list_ones_own(org):
    today = timezone.localdate()
    Active = Designation.Status.ACTIVE
    for _ in range(3):
        DesignationFactory(profile=org.alice, direction=org.care)  # pending, waiting for DCAI
    DesignationFactory(profile=org.bob, direction=org.care, status=Active, end_date=today + datetime.timedelta(days=10))
    DesignationFactory(profile=org.olga, direction=org.tech, status=Active, end_date=today + datetime.timedelta(days=5))
    for n in range(7):  # more of one's own than are listed
        DesignationFactory(
            profile=org.diane,
            direction=org.diane.direction,
            status=Active,
            end_date=today + datetime.timedelta(days=100 + n),
        )

    dcai = _by_template(roster_panels(_request(org.user("diane"))))
    assert dcai["_home_pending.html"]["count"] == 3
    assert [d.end_date for d in dcai["_home_mine.html"]["designations"]] == [
        today + datetime.timedelta(days=100 + n) for n in range(5)
    ]
    assert "_home_renew.html" not in dcai  # diane leads no direction

    head = _by_template(roster_panels(_request(org.user("carol"))))  # carol heads care, not tech
    assert head["_home_renew.html"]["count"] == 1
    assert "_home_pending.html" not in head and "_home_mine.html" not in head

    mine = _by_template(roster_panels(_request(org.user("bob"))))
    assert [d.profile_id for d in mine["_home_mine.html"]["designations"]] == [org.bob.pk]
    assert set(mine) == {"_home_mine.html"}


def test_publishing_panels_count_pending_decisions_and_own_questions(org):
    ask(org.user("alice"))
    ask(org.user("bob"))
    question = ask(org.user("diane"))
    AuthorisationRequest.objects.filter(pk=question.pk).update(status=AuthorisationRequest.Status.QUESTION)

    dcai = _by_template(publishing_panels(_request(org.user("diane"))))
    assert dcai["decide"]["count"] == 2 and dcai["answer"]["count"] == 1
    staff = _by_template(publishing_panels(_request(org.user("alice"))))
    assert "decide" not in staff and "answer" not in staff
