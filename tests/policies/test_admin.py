"""The admin of policies opens only to staff holding the model permissions; adopted versions are read-only."""

import pytest
from django.contrib.auth.models import Permission

from policies.models import PolicyVersion

from .factories import make_version

pytestmark = pytest.mark.django_db


def _staff(user, *codenames):
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def test_staff_without_permission_is_refused(org, login):
    client = login(_staff(org.user("oscar")))
    assert client.get("/admin/policies/policyversion/").status_code == 403
    assert client.get("/admin/policies/policy/").status_code == 403


def test_version_in_force_is_read_only_even_with_change_permission(org, login):
    version = make_version(status=PolicyVersion.Status.IN_FORCE)
    draft = make_version(policy=version.policy, label="draft")
    client = login(_staff(org.user("diane"), "view_policyversion", "change_policyversion"))
    page = client.get(f"/admin/policies/policyversion/{version.pk}/change/")
    assert page.status_code == 200
    assert b'name="purpose"' not in page.content
    response = client.post(f"/admin/policies/policyversion/{version.pk}/change/", {"purpose": "changed"})
    assert response.status_code == 403
    version.refresh_from_db()
    assert version.purpose != "changed"
    assert b'name="purpose"' in client.get(f"/admin/policies/policyversion/{draft.pk}/change/").content
