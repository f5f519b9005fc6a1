"""Acknowledgement compliance by direction (§7.2, §7.5): active staff who confirmed the version in force."""

import pytest

from policies.compliance import acknowledgement_compliance
from policies.models import Acknowledgement, PolicyVersion

from .factories import make_version

pytestmark = pytest.mark.django_db


def test_active_staff_who_confirmed_the_version_in_force_by_direction(org, settings):
    settings.PORTAL_POLICY_NUMBER = "10974"
    old = make_version(status=PolicyVersion.Status.SUPERSEDED, label="old")
    in_force = make_version(status=PolicyVersion.Status.IN_FORCE, policy=old.policy, label="new")
    for name in ("alice", "bob", "oscar"):
        Acknowledgement.objects.create(version=in_force, user=org.user(name), text_hash="h", attestation="oui")
    Acknowledgement.objects.create(version=old, user=org.user("carol"), text_hash="h", attestation="oui")
    org.oscar.is_active = False  # left: out of every count
    org.oscar.save()
    figures = acknowledgement_compliance()
    rows = {code: (total, done, rate) for code, _fr, _en, total, done, rate in figures["by_direction"]}
    assert rows["DSP"] == (3, 2, 66.7)  # carol confirmed only the old version
    assert rows["DST"] == (1, 0, 0.0)
    assert rows["DCAI"] == (2, 0, 0.0)
    assert (figures["total"], figures["done"]) == (7, 2)  # oscar left
    assert figures["version"]["label"] == "new"
    care_only = acknowledgement_compliance(direction=org.care)
    assert [row[0] for row in care_only["by_direction"]] == ["DSP"] and care_only["done"] == 2


def test_no_version_in_force():
    assert acknowledgement_compliance() == {"version": None, "total": 0, "done": 0, "rate": 0.0, "by_direction": []}
