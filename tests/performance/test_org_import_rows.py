"""New staff of an HR import are written many rows per statement (portal.orgimport.apply, `bulk_create`): the
statements do not grow with the file, every account gets an unusable password (no hash per row), and each
profile gets its user, direction and manager (docs/rules.md, "Performance")."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.bench import institution_rows, rows_to_csv
from portal.models import StaffProfile
from portal.orgimport import import_org

pytestmark = pytest.mark.django_db


def _import(staff: int, prefix: str) -> tuple[int, list[dict]]:
    rows = institution_rows(staff=staff, managers=staff // 10, directions=4, prefix=prefix)
    with CaptureQueriesContext(connection) as ctx:
        result = import_org(rows_to_csv(rows))
    assert result.ok, result.errors[:3]
    assert result.counts["created"] == staff
    inserts = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("INSERT")]
    return len(inserts), rows


def test_new_staff_are_written_many_rows_per_statement_with_unusable_passwords():
    small, _rows = _import(12, "S")
    large, rows = _import(240, "L")
    assert large <= small + 4 and large < 240 // 20  # batches of rows, never one statement per person
    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="L")}
    assert len(users) == 240
    assert not any(user.has_usable_password() for user in users.values())
    assert len({user.password for user in users.values()}) == 240  # each its own random suffix
    profiles = {p.employee_number: p for p in StaffProfile.objects.filter(employee_number__startswith="L")}
    for row in rows:
        profile = profiles[row["employee_number"]]
        user = users[row["employee_number"]]
        assert profile.user_id == user.pk and user.email == row["email"] and user.is_active
        assert profile.direction.code == row["direction_code"]
        manager = row["manager_employee_number"]
        assert (profile.manager.employee_number if profile.manager else "") == manager
        assert profile.is_active and profile.category == row["category"]
