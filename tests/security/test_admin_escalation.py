"""Staff users with some admin permissions cannot give themselves more power than they have."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from portal.groups import DCAI_GROUP, HR_GROUP, staff_groups_sync
from portal.models import StaffProfile
from portal.roles import roles_for

User = get_user_model()


def staff_member(user, group_name):
    user.is_staff = True
    user.save()
    user.groups.add(staff_groups_sync()[group_name])
    return User.objects.get(pk=user.pk)


@pytest.fixture
def hr(org):
    return staff_member(org.user("harry"), HR_GROUP)


@pytest.fixture
def dcai(org):
    return staff_member(org.user("diane"), DCAI_GROUP)


def _profile_post(profile: StaffProfile, **changes) -> dict:
    data = {
        "employee_number": profile.employee_number,
        "direction": profile.direction_id,
        "manager": profile.manager_id or "",
        "category": profile.category,
        "language": profile.language,
        "is_active": "on" if profile.is_active else "",
        "start_date": profile.start_date.isoformat() if profile.start_date else "",
    }
    data.update(changes)
    return data


def test_hr_cannot_move_itself_into_dcai(org, hr, login):
    url = reverse("admin:portal_staffprofile_change", args=[org.harry.pk])
    login(hr).post(url, _profile_post(org.harry, direction=org.dcai.pk))
    org.harry.refresh_from_db()
    assert org.harry.direction_id == org.hr.pk
    assert not roles_for(User.objects.get(pk=hr.pk)).is_dcai


def test_hr_cannot_make_itself_the_manager_of_someone(org, hr, login):
    url = reverse("admin:portal_staffprofile_change", args=[org.oscar.pk])
    response = login(hr).post(url, _profile_post(org.oscar, manager=org.harry.pk))
    assert response.status_code == 200  # the form comes back with its error
    org.oscar.refresh_from_db()
    assert org.oscar.manager_id == org.olga.pk


def test_hr_still_changes_other_staff(org, hr, login):
    url = reverse("admin:portal_staffprofile_change", args=[org.oscar.pk])
    response = login(hr).post(url, _profile_post(org.oscar, manager=org.bob.pk))
    assert response.status_code == 302
    org.oscar.refresh_from_db()
    assert org.oscar.manager_id == org.bob.pk


def test_hr_cannot_grant_delegation_nor_superuser(org, hr, login):
    client = login(hr)
    url = reverse("admin:portal_direction_permissions_manage_user", args=[org.dcai.pk, hr.pk])
    client.post(url, {"permissions": ["act_for_direction"]})
    assert not roles_for(User.objects.get(pk=hr.pk)).delegated_direction_ids
    response = client.post(
        reverse("admin:auth_user_change", args=[hr.pk]),
        {"username": hr.username, "is_superuser": "on", "is_staff": "on", "is_active": "on"},
    )
    assert response.status_code == 403
    assert not User.objects.get(pk=hr.pk).is_superuser


def test_dcai_cannot_make_itself_delegate_of_a_direction(org, dcai, login):
    url = reverse("admin:portal_direction_permissions_manage_user", args=[org.care.pk, dcai.pk])
    login(dcai).post(url, {"permissions": ["act_for_direction"]})
    assert not roles_for(User.objects.get(pk=dcai.pk)).delegated_direction_ids


def test_dcai_cannot_make_itself_head_of_a_direction(org, dcai, login):
    url = reverse("admin:portal_direction_change", args=[org.tech.pk])
    login(dcai).post(
        url,
        {"name_fr": org.tech.name_fr, "name_en": org.tech.name_en or "", "head": dcai.pk},
    )
    org.tech.refresh_from_db()
    assert org.tech.head_id != dcai.pk


def test_hr_cannot_move_someone_else_into_dcai_only_an_administrator_can(org, hr, login, admin_user):
    url = reverse("admin:portal_staffprofile_change", args=[org.oscar.pk])
    response = login(hr).post(url, _profile_post(org.oscar, direction=org.dcai.pk, manager=""))
    assert response.status_code == 200
    assert "Seul un administrateur" in response.content.decode()
    org.oscar.refresh_from_db()
    assert org.oscar.direction_id == org.tech.pk
    # Moving between ordinary directions stays HR's job.
    response = login(hr).post(url, _profile_post(org.oscar, direction=org.care.pk, manager=""))
    assert response.status_code == 302
    org.oscar.refresh_from_db()
    assert org.oscar.direction_id == org.care.pk
    # An administrator may move someone into DCAI.
    response = login(admin_user).post(url, _profile_post(org.oscar, direction=org.dcai.pk, manager=""))
    assert response.status_code == 302
    org.oscar.refresh_from_db()
    assert org.oscar.direction_id == org.dcai.pk
