"""Lifecycle of a version: draft → approved → in force → superseded (§7.1, §7.3)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from policies.models import PolicyVersion, PolicyVersionEvent
from policies.services import (
    SectionData,
    version_create_draft,
    version_put_in_force,
    version_record_approval,
    version_update_draft,
)
from portal.notifications.models import Notification

from .factories import make_version

S = PolicyVersion.Status
pytestmark = pytest.mark.django_db


def approve(version, actor, **kwargs):
    kwargs.setdefault("approved_on", dt.date(2018, 5, 25))
    kwargs.setdefault("resolution_number", "RCA 2018-05-3008")
    return version_record_approval(version=version, actor=actor, **kwargs)


def test_full_lifecycle_supersedes_the_previous_version(org, django_capture_on_commit_callbacks):
    diane = org.user("diane")
    old = make_version(status=S.IN_FORCE, label="2017")
    new = make_version(policy=old.policy, label="2018")
    approve(new, diane)
    new.refresh_from_db()
    assert new.status == S.APPROVED and new.resolution_number == "RCA 2018-05-3008"
    with django_capture_on_commit_callbacks():
        version_put_in_force(version=new, actor=diane, effective_on=dt.date(2018, 7, 5))
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.status, new.status) == (S.SUPERSEDED, S.IN_FORCE)
    assert new.effective_on == dt.date(2018, 7, 5)
    actions = list(
        PolicyVersionEvent.objects.filter(version=new).values_list("action", "from_status", "to_status")
    )
    assert actions == [("approved", "draft", "approved"), ("in_force", "approved", "in_force")]
    assert PolicyVersionEvent.objects.filter(version=old, action="superseded", actor=diane).exists()


def test_hr_leads_are_told_of_a_new_version_in_force(org):
    org.hr.head = org.harry.user
    org.hr.save()
    version = make_version(status=S.APPROVED)
    version_put_in_force(version=version, actor=org.user("diane"), effective_on=dt.date(2018, 7, 5))
    notification = Notification.objects.get(kind="policies.version_in_force")
    assert notification.recipient == org.user("harry")
    assert notification.context == {"effective_on": "2018-07-05"}


def test_approval_needs_resolution_and_date(org):
    version = make_version()
    with pytest.raises(ValidationError) as exc:
        version_record_approval(
            version=version, actor=org.user("diane"), approved_on=None, resolution_number=" "
        )
    assert set(exc.value.error_dict) == {"approved_on", "resolution_number"}
    version.refresh_from_db()
    assert version.status == S.DRAFT


def test_approval_with_a_doubtful_date_is_refused(org):
    version = make_version()
    with pytest.raises(ValidationError) as exc:
        approve(version, org.user("diane"), approved_on=dt.date(2108, 5, 25))
    assert "plus de 5 ans" in str(exc.value)
    version.refresh_from_db()
    assert version.status == S.DRAFT and version.approved_on is None


def test_transitions_outside_the_map_are_refused(org):
    diane = org.user("diane")
    draft = make_version()
    with pytest.raises(ValidationError):
        version_put_in_force(version=draft, actor=diane)
    in_force = make_version(status=S.IN_FORCE, policy=draft.policy, label="x")
    with pytest.raises(ValidationError):
        approve(in_force, diane)
    superseded = make_version(status=S.SUPERSEDED, policy=draft.policy, label="y")
    with pytest.raises(ValidationError):
        version_put_in_force(version=superseded, actor=diane)


def test_only_dcai_or_admins_manage_versions(org):
    draft = make_version()
    for name in ("alice", "bob", "carol", "harry", "oscar"):
        with pytest.raises(PermissionDenied):
            approve(draft, org.user(name))
        with pytest.raises(PermissionDenied):
            version_update_draft(version=draft, actor=org.user(name), fields={"purpose": "x"})
    org.oscar.user.is_superuser = True
    org.oscar.user.save()
    from portal.roles import forget_roles

    forget_roles(org.oscar.user)
    approve(draft, org.oscar.user)
    approve_target = make_version(policy=draft.policy, label="by-dora")
    approve(approve_target, org.user("dora"))


def test_one_version_in_force_is_enforced_by_the_database():
    first = make_version(status=S.IN_FORCE, label="a")
    second = make_version(status=S.APPROVED, policy=first.policy, label="b")
    second.status = S.IN_FORCE
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_edit_draft_replaces_sections_and_checks_dates(org):
    diane = org.user("diane")
    draft = make_version()
    version_update_draft(
        version=draft,
        actor=diane,
        fields={"purpose": "Nouveau but", "label": "2024"},
        sections=[
            SectionData("1", "Un", "Texte un"),
            SectionData("1.1", "Sous", "Texte", level=2),
            SectionData("Annexe 1", "Nétiquette", "- règle", is_annex=True),
        ],
    )
    draft.refresh_from_db()
    assert draft.purpose == "Nouveau but" and draft.label == "2024"
    assert list(draft.sections.values_list("order", "number", "level", "is_annex")) == [
        (1, "1", 1, False),
        (2, "1.1", 2, False),
        (3, "Annexe 1", 1, True),
    ]
    with pytest.raises(ValidationError):
        version_update_draft(version=draft, actor=diane, fields={"revised_on": dt.date(2010, 1, 1)})
    draft.refresh_from_db()
    assert draft.revised_on == dt.date(2018, 3, 12)


def test_only_drafts_are_edited(org):
    version = make_version(status=S.APPROVED)
    with pytest.raises(ValidationError):
        version_update_draft(version=version, actor=org.user("diane"), fields={"purpose": "x"})


def test_new_draft_starts_from_the_version_in_force(org):
    in_force = make_version(status=S.IN_FORCE, sections=4)
    draft = version_create_draft(policy=in_force.policy, actor=org.user("diane"), label="2025")
    assert draft.status == S.DRAFT
    assert draft.text_hash() == in_force.text_hash()
    with pytest.raises(ValidationError):
        version_create_draft(policy=in_force.policy, actor=org.user("diane"), label="2025")
