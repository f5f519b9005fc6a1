"""Staff who come back are reactivated by HR, except those who would act for HR or DCAI again (as members,
heads or delegates): only an administrator gives that access back, in the admin or after an HR import."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from portal.groups import HR_GROUP, staff_groups_sync
from portal.models import StaffProfile
from portal.orgimport import COLUMNS, import_org
from portal.permissions import direction_delegate_add
from portal.roles import roles_for

User = get_user_model()


@pytest.fixture
def hr(org):
    user = org.user("harry")
    user.is_staff = True
    user.save()
    user.groups.add(staff_groups_sync()[HR_GROUP])
    return User.objects.get(pk=user.pk)


def leave(profile: StaffProfile) -> None:
    """As the HR import does for someone who left: profile and login off, the rest kept on record."""
    StaffProfile.objects.filter(pk=profile.pk).update(is_active=False)
    User.objects.filter(pk=profile.user_id).update(is_active=False)
    profile.refresh_from_db()


def _post(profile: StaffProfile, **changes) -> dict:
    data = {
        "employee_number": profile.employee_number,
        "direction": profile.direction_id,
        "manager": profile.manager_id or "",
        "category": profile.category,
        "language": profile.language,
        "is_active": "on",
        "start_date": profile.start_date.isoformat() if profile.start_date else "",
    }
    data.update(changes)
    return data


def _acts_for_dcai(profile: StaffProfile) -> bool:
    return roles_for(User.objects.get(pk=profile.user_id)).is_dcai


# --- The admin ---------------------------------------------------------------------------------------


def test_hr_cannot_reactivate_a_former_dcai_member(org, hr, login):
    leave(org.diane)
    url = reverse("admin:portal_staffprofile_change", args=[org.diane.pk])
    response = login(hr).post(url, _post(org.diane))
    assert response.status_code == 200
    assert "Seul un administrateur peut réactiver" in response.content.decode()
    org.diane.refresh_from_db()
    assert not org.diane.is_active and not org.diane.user.is_active
    assert not _acts_for_dcai(org.diane)


def test_hr_cannot_reactivate_a_former_delegate_of_dcai_from_another_direction(org, hr, login):
    direction_delegate_add(user=org.user("olga"), direction=org.dcai)
    leave(org.olga)
    url = reverse("admin:portal_staffprofile_change", args=[org.olga.pk])
    response = login(hr).post(url, _post(org.olga))
    assert response.status_code == 200
    org.olga.refresh_from_db()
    assert not org.olga.is_active


def test_hr_reactivates_everyone_else(org, hr, login):
    leave(org.oscar)
    url = reverse("admin:portal_staffprofile_change", args=[org.oscar.pk])
    response = login(hr).post(url, _post(org.oscar))
    assert response.status_code == 302
    org.oscar.refresh_from_db()
    assert org.oscar.is_active and org.oscar.user.is_active


def test_an_administrator_reactivates_a_former_dcai_member(org, login, admin_user):
    leave(org.diane)
    url = reverse("admin:portal_staffprofile_change", args=[org.diane.pk])
    response = login(admin_user).post(url, _post(org.diane))
    assert response.status_code == 302
    org.diane.refresh_from_db()
    assert org.diane.is_active and org.diane.user.is_active
    assert _acts_for_dcai(org.diane)


# --- The HR import -------------------------------------------------------------------------------------


def _row(profile: StaffProfile, direction=None) -> str:
    direction = direction or profile.direction
    user = profile.user
    values = {
        "employee_number": profile.employee_number,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "direction_code": direction.code,
        "direction_name_fr": direction.name_fr,
        "direction_name_en": direction.name_en or "",
        "direction_role": "",
        "manager_employee_number": "",
        "category": profile.category,
        "language": profile.language,
        "start_date": "",
    }
    return ";".join(values[c] for c in COLUMNS)


def _file(*rows: str) -> bytes:
    return "\r\n".join([";".join(COLUMNS), *rows, ""]).encode()


def test_the_hr_import_leaves_a_former_dcai_member_for_an_administrator(org):
    leave(org.diane)
    leave(org.oscar)
    result = import_org(_file(_row(org.diane), _row(org.oscar)))
    assert result.ok, result.errors
    org.diane.refresh_from_db()
    org.oscar.refresh_from_db()
    # Oscar comes back; Diane stays out, and the import says why and what to do.
    assert org.oscar.is_active and org.oscar.user.is_active
    assert not org.diane.is_active and not org.diane.user.is_active
    assert not _acts_for_dcai(org.diane)
    assert result.plan.held == [org.diane.employee_number]
    assert any(org.diane.employee_number in w and "administrateur" in w for w in result.plan.warnings)
    # Running the same file again changes nothing and says it again.
    again = import_org(_file(_row(org.diane), _row(org.oscar)))
    assert not again.changed and again.plan.held == [org.diane.employee_number]


def test_the_hr_import_leaves_a_former_dcai_head_even_in_another_direction(org):
    leave(org.dora)  # she still heads DCAI on record
    result = import_org(_file(_row(org.dora, direction=org.tech)))
    assert result.ok, result.errors
    org.dora.refresh_from_db()
    assert not org.dora.is_active and org.dora.direction_id == org.tech.pk
    assert result.plan.held == [org.dora.employee_number]
