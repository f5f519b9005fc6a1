"""The admin of the organisation: HR and DCAI staff with the right permissions only."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.groups import DCAI_GROUP, HR_GROUP, staff_groups_sync
from portal.models import StaffProfile
from portal.roles import roles_for
from tests.factories import StaffProfileFactory

User = get_user_model()
CALLS = {"created": [], "deactivated": []}


def record_created(profile_ids):
    CALLS["created"].append(sorted(profile_ids))


def record_deactivated(profile_ids):
    CALLS["deactivated"].append(sorted(profile_ids))


@pytest.fixture(autouse=True)
def hooks(settings):
    settings.PORTAL_ON_STAFF_CREATED = ["tests.portal.test_admin.record_created"]
    settings.PORTAL_ON_STAFF_DEACTIVATED = ["tests.portal.test_admin.record_deactivated"]
    for calls in CALLS.values():
        calls.clear()
    return CALLS


def staff_member(user, group_name):
    user.is_staff = True
    user.save()
    user.groups.add(staff_groups_sync()[group_name])
    return User.objects.get(pk=user.pk)  # fresh permission cache


@pytest.fixture
def hr(org):
    return staff_member(org.user("harry"), HR_GROUP)


@pytest.fixture
def dcai(org):
    return staff_member(org.user("diane"), DCAI_GROUP)


LIST = reverse("admin:portal_staffprofile_changelist")


def test_hr_officer_opens_and_changes_staff(org, hr, login):
    client = login(hr)
    assert client.get(LIST).status_code == 200
    page = client.get(reverse("admin:portal_staffprofile_change", args=[org.alice.pk]))
    assert page.status_code == 200
    assert client.get(reverse("admin:portal_direction_changelist")).status_code == 200
    # HR sees directions but does not change them, nor add staff by hand (that is the HR import).
    assert (
        client.get(reverse("admin:portal_direction_change", args=[org.care.pk])).context[
            "has_change_permission"
        ]
        is False
    )
    assert client.get(reverse("admin:portal_direction_add")).status_code == 403
    assert client.get(reverse("admin:portal_staffprofile_add")).status_code == 403


def test_plain_employee_and_staff_without_permission_are_refused(org, login):
    response = login(org.user("alice")).get(LIST)
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    bare = org.user("oscar")
    bare.is_staff = True
    bare.save()
    assert login(bare).get(LIST).status_code == 403


def test_staff_list_queries_do_not_grow(org, hr, login):
    client = login(hr)
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    for _ in range(40):
        StaffProfileFactory(direction=org.care, manager=org.bob)
    with CaptureQueriesContext(connection) as many:
        assert client.get(LIST).status_code == 200
    assert len(many) <= len(few)


def _post_profile(client, profile, **changes):
    data = {
        "employee_number": profile.employee_number,
        "direction": profile.direction_id,
        "manager": profile.manager_id or "",
        "category": profile.category,
        "language": profile.language,
        "is_active": "on" if profile.is_active else "",
        "start_date": "",
        **changes,
    }
    return client.post(reverse("admin:portal_staffprofile_change", args=[profile.pk]), data)


def test_deactivation_in_admin_calls_the_hook_and_closes_the_login(
    org, hr, login, django_capture_on_commit_callbacks, hooks
):
    client = login(hr)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_profile(client, org.alice, is_active="")
    assert response.status_code == 302
    org.alice.refresh_from_db()
    assert not org.alice.is_active and not User.objects.get(pk=org.alice.user_id).is_active
    assert hooks["deactivated"] == [[org.alice.pk]]

    with django_capture_on_commit_callbacks(execute=True):
        _post_profile(client, org.alice, is_active="on")
    assert User.objects.get(pk=org.alice.user_id).is_active
    assert hooks["created"] == [[org.alice.pk]]


def test_deactivate_action(org, hr, login, django_capture_on_commit_callbacks, hooks):
    client = login(hr)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(LIST, {"action": "deactivate_selected", "_selected_action": [org.oscar.pk, org.olga.pk]})
    assert hooks["deactivated"] == [sorted([org.oscar.pk, org.olga.pk])]
    assert not StaffProfile.objects.filter(pk__in=[org.oscar.pk, org.olga.pk], is_active=True).exists()


def test_manager_cycle_is_refused(org, hr, login):
    response = _post_profile(login(hr), org.bob, manager=org.alice.pk)
    assert response.status_code == 200
    assert "cycle" in str(response.context["adminform"].form.errors["manager"])
    org.bob.refresh_from_db()
    assert org.bob.manager == org.carol


def test_profile_created_in_admin_calls_the_hook(org, login, django_capture_on_commit_callbacks, hooks):
    admin_user = User.objects.create_superuser("root", "root@chum.test", "x-long-password-1")
    newcomer = User.objects.create_user("newcomer", "newcomer@chum.test")
    data = {
        "user": newcomer.pk,
        "employee_number": "N1",
        "direction": org.care.pk,
        "manager": org.bob.pk,
        "category": "employe",
        "language": "fr",
        "is_active": "on",
        "start_date": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = login(admin_user).post(reverse("admin:portal_staffprofile_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert hooks["created"] == [[StaffProfile.objects.get(employee_number="N1").pk]]


def test_dcai_grants_a_delegate_and_cannot_change_roles(org, dcai, login):
    client = login(dcai)
    change = client.get(reverse("admin:portal_direction_change", args=[org.care.pk]))
    assert change.status_code == 200 and "role" not in change.context["adminform"].form.fields
    url = reverse("admin:portal_direction_permissions_manage_user", args=[org.care.pk, org.user("bob").pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"permissions": ["act_for_direction"]}).status_code == 302
    assert roles_for(User.objects.get(pk=org.user("bob").pk)).delegated_direction_ids == {org.care.pk}
    client.post(url, {"csrfmiddlewaretoken": "x"})  # a browser always posts its token, so the form is bound
    assert roles_for(User.objects.get(pk=org.user("bob").pk)).delegated_direction_ids == frozenset()


def test_inactive_person_cannot_be_made_delegate(org, dcai, login):
    org.oscar.is_active = False
    org.oscar.save()
    url = reverse("admin:portal_direction_permissions_manage_user", args=[org.care.pk, org.user("oscar").pk])
    response = login(dcai).post(url, {"permissions": ["act_for_direction"]})
    assert response.status_code == 200
    assert not roles_for(org.user("oscar")).delegated_direction_ids


def test_hr_cannot_manage_delegates(org, hr, login):
    url = reverse("admin:portal_direction_permissions_manage_user", args=[org.care.pk, org.user("bob").pk])
    response = login(hr).post(url, {"permissions": ["act_for_direction"]})
    assert response.status_code == 302
    assert not roles_for(org.user("bob")).delegated_direction_ids


def test_manager_autocomplete_offers_active_staff_only(org, hr, login):
    org.olga.is_active = False
    org.olga.save()
    url = reverse("admin:autocomplete")
    params = {"app_label": "portal", "model_name": "staffprofile", "field_name": "manager", "term": "Test"}
    response = login(hr).get(url, params)
    assert response.status_code == 200
    offered = {int(r["id"]) for r in response.json()["results"]}
    assert org.bob.pk in offered and org.olga.pk not in offered
    # A plain employee cannot use it.
    assert login(org.user("alice")).get(url, params).status_code == 302


def test_migrate_creates_the_hr_and_dcai_groups_with_their_permissions(db):
    from django.contrib.auth.models import Group

    # The test database was built by `migrate`: the groups exist without the demo.
    hr = Group.objects.get(name=HR_GROUP)
    dcai = Group.objects.get(name=DCAI_GROUP)
    assert hr.permissions.filter(codename="change_staffprofile").exists()
    assert dcai.permissions.filter(codename="add_officialaccount").exists()
    assert not hr.permissions.filter(content_type__app_label="incidents").exists()
