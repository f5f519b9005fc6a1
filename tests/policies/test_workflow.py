"""One map for a version's life (policies.workflow): the services refuse what it refuses, DCAI's pages
offer what it allows, and nobody else is offered anything (§7.1, §7.3)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db.models.deletion import ProtectedError
from django.urls import reverse

from policies.models import PolicyVersion
from policies.selectors import version_actions
from policies.services import version_create_draft, version_put_in_force
from policies.workflow import APPROVE, EDIT, PLAN_REVIEW, PUT_IN_FORCE, START_DRAFT, SUPERSEDE, VERSION_WORKFLOW
from portal.notifications.models import Notification
from portal.roles import forget_roles

from .factories import make_version

S = PolicyVersion.Status
pytestmark = pytest.mark.django_db


def test_the_map():
    assert VERSION_WORKFLOW.actions(S.DRAFT) == {EDIT, APPROVE}
    assert VERSION_WORKFLOW.actions(S.APPROVED) == {PUT_IN_FORCE}
    assert VERSION_WORKFLOW.actions(S.IN_FORCE) == {SUPERSEDE, START_DRAFT, PLAN_REVIEW}
    assert VERSION_WORKFLOW.actions(S.SUPERSEDED) == set()


def test_refusal_outside_the_map_says_the_current_status(org):
    with pytest.raises(ValidationError) as refused:
        version_put_in_force(version=make_version(), actor=org.user("diane"))
    assert refused.value.code == "invalid_transition"
    assert "Brouillon" in refused.value.messages[0]


BUTTONS = {
    EDIT: "policies:version_edit",
    APPROVE: "policies:version_approve",
    PUT_IN_FORCE: "policies:version_put_in_force",
    PLAN_REVIEW: "policies:version_plan_review",
}


@pytest.mark.parametrize("status", [S.DRAFT, S.APPROVED, S.IN_FORCE, S.SUPERSEDED])
def test_reading_page_offers_dcai_exactly_what_the_map_allows(org, login, status):
    version = make_version(status=status)
    html = login(org.user("diane")).get(version.get_absolute_url()).content.decode()
    for action, url_name in BUTTONS.items():
        url = reverse(url_name, args=[version.policy.number, version.pk])
        assert (url in html) == VERSION_WORKFLOW.allows(status, action), action


def test_manage_page_offers_each_row_what_the_map_allows(org, login):
    in_force = make_version(status=S.IN_FORCE, label="a")
    approved = make_version(status=S.APPROVED, policy=in_force.policy, label="b")
    page = login(org.user("diane")).get(reverse("policies:manage"))
    rows = {v.pk: v.actions for v in page.context["versions"]}
    assert rows == {in_force.pk: {SUPERSEDE, START_DRAFT, PLAN_REVIEW}, approved.pk: {PUT_IN_FORCE}}
    html = page.content.decode()
    assert html.count(reverse("policies:version_new", args=[in_force.policy.number])) == 1


def test_staff_are_offered_nothing(org, login):
    version = make_version(status=S.IN_FORCE)
    assert version_actions(org.user("alice"), version) == frozenset()
    html = login(org.user("alice")).get(version.get_absolute_url()).content.decode()
    assert "Historique de la version" not in html


def test_a_version_keeps_its_history(org):
    in_force = make_version(status=S.IN_FORCE)
    draft = version_create_draft(policy=in_force.policy, actor=org.user("diane"), label="next")
    assert list(draft.events.values_list("action", "from_status", "to_status")) == [("created", "", "draft")]
    with pytest.raises(ProtectedError):
        draft.delete()


def test_hr_leads_are_told_but_never_the_actor_nor_someone_inactive(org):
    harry = org.user("harry")
    org.hr.head = harry
    org.hr.save()
    harry.is_superuser = True  # an administrator may stand in for DCAI (§7.3)
    harry.save()
    forget_roles(harry)
    version_put_in_force(version=make_version(status=S.APPROVED), actor=harry, effective_on=dt.date(2018, 7, 5))
    assert not Notification.objects.filter(kind="policies.version_in_force").exists()
    harry.is_active = False
    harry.save()
    second = make_version(status=S.APPROVED, label="second")
    version_put_in_force(version=second, actor=org.user("diane"), effective_on=dt.date(2018, 7, 6))
    assert not Notification.objects.filter(kind="policies.version_in_force").exists()
