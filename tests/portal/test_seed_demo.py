"""`seed_demo`: the demo institution, idempotent, with one login per role."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from portal.demo import DCAI_GROUP, DEMO_PASSWORD, HR_GROUP, PERSONAS
from portal.models import Direction, StaffProfile
from portal.roles import roles_for

User = get_user_model()
HOOK_CALLS = []


def fake_seed_policy(stdout=None):
    HOOK_CALLS.append(stdout)


@pytest.fixture(autouse=True)
def quick(settings):
    settings.PORTAL_ON_STAFF_CREATED = []
    settings.PORTAL_DEMO_HOOKS = ["tests.portal.test_seed_demo.fake_seed_policy"]
    HOOK_CALLS.clear()


def counts():
    return (
        Direction.objects.count(),
        User.objects.count(),
        StaffProfile.objects.count(),
        StaffProfile.objects.filter(manager__isnull=False).count(),
        sorted(Direction.objects.values_list("code", "head__username")),
    )


def seed():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_prints_the_logins():
    first = seed()
    after_first = counts()
    second = seed()

    assert counts() == after_first
    assert "0 créé(s), 0 modifié(s)" in second and "Comptes de démonstration modifiés : 0." in second
    directions, users, profiles, managed, _heads = after_first
    assert directions == 15 and 180 <= profiles <= 220 and users == profiles
    assert managed == profiles - directions  # everyone but the heads has a manager
    # The same table both times, with the demo password.
    assert first.split("Comptes de démonstration (")[1] == second.split("Comptes de démonstration (")[1]
    for persona in PERSONAS:
        assert persona.username in second
        assert User.objects.get(username=persona.username).check_password(DEMO_PASSWORD)
    assert DEMO_PASSWORD in second
    # Each app's demo data is asked for once per run.
    assert len(HOOK_CALLS) == 2 and "fake_seed_policy : fait" in second


@pytest.mark.django_db
def test_demo_roles():
    seed()
    by = {p.key: User.objects.get(username=p.username) for p in PERSONAS}
    employee = roles_for(by["employee"])
    assert employee.is_staff_member and not employee.is_manager and not employee.is_direction_lead
    assert roles_for(by["manager"]).is_manager
    assert roles_for(by["head"]).headed_direction_ids == {Direction.objects.get(code="DSI").pk}
    assert roles_for(by["hr"]).is_hr and roles_for(by["dcai"]).is_dcai
    assert roles_for(by["admin"]).is_admin
    assert Direction.objects.get(role="general").code == "DG"
    # HR and DCAI use the admin through their groups; the others do not.
    assert by["hr"].is_staff and by["hr"].groups.get().name == HR_GROUP
    assert by["hr"].has_perm("portal.change_staffprofile") and not by["hr"].has_perm(
        "portal.change_direction"
    )
    assert by["dcai"].groups.get().name == DCAI_GROUP and by["dcai"].has_perm("portal.change_direction")
    assert not by["employee"].is_staff and not by["manager"].is_staff
    # Categories and languages vary, as in a real institution.
    assert StaffProfile.objects.values("category").distinct().count() >= 8
    assert StaffProfile.objects.filter(language="en").exists()


@pytest.mark.django_db
def test_seed_repairs_a_changed_demo_password():
    seed()
    user = User.objects.get(username="rh")
    user.set_password("something-else-entirely")
    user.save()
    assert "Comptes de démonstration modifiés : 1." in seed()
    user.refresh_from_db()
    assert user.check_password(DEMO_PASSWORD)
