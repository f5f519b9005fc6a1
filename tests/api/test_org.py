"""org:write: the HR push, as JSON rows or the CSV file; all or nothing, line-numbered errors, dry run."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.api.scopes import ORG_WRITE
from portal.models import Direction, StaffProfile

URL = "/api/v1/org/import/"


def row(number: str, **overrides) -> dict:
    values = {
        "employee_number": number,
        "first_name": "Prénom",
        "last_name": f"Nom {number}",
        "email": f"{number.lower()}@chum.test",
        "direction_code": "DSP",
        "direction_name_fr": "Direction des soins infirmiers",
        "manager_employee_number": "",
        "category": "employé",
    }
    values.update(overrides)
    return values


@pytest.fixture
def hr(org, token, api):
    return api(token(ORG_WRITE))


def _push(client, **body):
    return client.post(URL, body, content_type="application/json")


def test_json_rows_create_staff(hr):
    response = _push(hr, rows=[row("N1"), row("N2", manager_employee_number="N1", language="en")])
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["applied"] is True and body["dry_run"] is False
    assert body["counts"]["created"] == 2
    assert StaffProfile.objects.get(employee_number="N2").manager.employee_number == "N1"
    # The same push again changes nothing.
    again = _push(hr, rows=[row("N1"), row("N2", manager_employee_number="N1", language="en")]).json()
    assert again["applied"] is False and again["counts"]["unchanged"] == 2


def test_dry_run_returns_the_plan_and_writes_nothing(hr):
    response = _push(hr, rows=[row("N1")], dry_run=True)
    body = response.json()
    assert response.status_code == 200
    assert body["dry_run"] is True and body["applied"] is False
    assert body["counts"]["created"] == 1
    assert any("N1" in line for line in body["changes"])
    assert not StaffProfile.objects.filter(employee_number="N1").exists()


def test_a_bad_row_changes_nothing_and_lists_the_line(hr):
    before = StaffProfile.objects.count()
    rows = [row("N1"), row("N2", email="pas-un-courriel"), row("N3", category="astronaute"), row("N4")]
    response = _push(hr, rows=rows)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_rows"
    assert [e["line"] for e in body["errors"]] == [2, 3]
    assert "pas-un-courriel" in body["errors"][0]["message"]
    assert StaffProfile.objects.count() == before


def test_csv_file_with_a_bad_line_reports_the_file_line(hr):
    csv = (
        "\ufeffemployee_number;first_name;last_name;email;direction_code;direction_name_fr;category\n"
        "N1;Ana;Lima;n1@chum.test;DSP;Soins;employé\n"
        "N2;Bo;Roy;n2@chum.test;DSP;Soins;employé\n"
        "N3;Cy;Roy;n3@chum.test;DSP;Soins;inconnue\n"
    ).encode()
    upload = SimpleUploadedFile("export.csv", csv, content_type="text/csv")
    response = hr.post(URL, {"file": upload, "dry_run": "false"})
    assert response.status_code == 400
    assert [e["line"] for e in response.json()["errors"]] == [4]
    assert not StaffProfile.objects.filter(employee_number__in=["N1", "N2"]).exists()
    fixed = csv.replace(b"inconnue", "employée".encode())
    response = hr.post(URL, {"file": SimpleUploadedFile("export.csv", fixed), "dry_run": "false"})
    assert response.status_code == 200, response.content
    assert response.json()["counts"]["created"] == 3


def test_deactivate_missing_deactivates_those_absent(org, hr):
    everyone = [
        row(p.employee_number, direction_code=p.direction.code, direction_name_fr=p.direction.name_fr)
        for p in StaffProfile.objects.select_related("direction").exclude(pk=org.oscar.pk)
    ]
    response = _push(hr, rows=everyone, deactivate_missing=True, dry_run=True)
    assert response.json()["counts"]["deactivated"] == 1
    org.oscar.refresh_from_db()
    assert org.oscar.is_active
    response = _push(hr, rows=everyone, deactivate_missing=True)
    assert response.status_code == 200
    org.oscar.refresh_from_db()
    assert not org.oscar.is_active


def test_an_empty_push_never_deactivates_everyone(org, hr):
    active = StaffProfile.objects.filter(is_active=True).count()
    response = _push(hr, rows=[], deactivate_missing=True)
    assert response.status_code == 400
    assert StaffProfile.objects.filter(is_active=True).count() == active == 8


@pytest.mark.parametrize(
    "body",
    [
        {"rows": "N1"},
        {"rows": [row("N1")], "dry_run": "peut-être"},
        {"rows": [row("N1")], "deactivate_missing": 3},
        {},
    ],
)
def test_a_malformed_push_is_refused_on_line_0(hr, body):
    response = hr.post(URL, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["line"] == 0
    assert not StaffProfile.objects.filter(employee_number="N1").exists()


def test_rows_that_are_not_objects_or_hold_objects_are_listed(hr):
    response = _push(hr, rows=[row("N1"), ["N2"], row("N3", first_name={"a": 1}), row("N4", last_name=True)])
    assert response.status_code == 400
    assert [e["line"] for e in response.json()["errors"]][:3] == [2, 3, 4]


@pytest.mark.parametrize("bad", ["Ana\x00", "Ana\nB", "A\x1b[31m"])
def test_control_characters_are_refused(hr, bad):
    response = _push(hr, rows=[row("N1", first_name=bad)])
    assert response.status_code == 400
    assert response.json()["errors"] == [{"line": 1, "message": "caractère de contrôle interdit dans first_name"}]


def test_not_json_is_400_and_an_oversized_push_413(hr, settings):
    response = hr.post(URL, b"{rows:", content_type="application/json")
    assert response.status_code == 400
    settings.API_ORG_MAX_BYTES = 100
    response = _push(hr, rows=[row("N1"), row("N2")])
    assert response.status_code == 413
    assert not Direction.objects.filter(code="X").exists()


def test_a_big_file_is_never_cut_at_the_evidence_limit(hr, settings):
    """The evidence upload guard must not truncate an HR export: a truncated file would deactivate people."""
    settings.EVIDENCE_MAX_BYTES = 1000
    header = "employee_number;first_name;last_name;email;direction_code;direction_name_fr;category\n"
    lines = "".join(f"N{i};Ana;Lima;n{i}@chum.test;DSP;Soins;employé\n" for i in range(200))
    upload = SimpleUploadedFile("export.csv", (header + lines).encode())
    response = hr.post(URL, {"file": upload, "dry_run": "true"})
    assert response.status_code == 200, response.content
    assert response.json()["rows"] == 200


def test_a_json_push_larger_than_the_forms_limit_is_read_whole(hr, settings):
    """20,000 rows weigh more than the portal forms' DATA_UPLOAD_MAX_MEMORY_SIZE; the push has its own limit."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    rows = [row(f"N{i}") for i in range(40)]
    response = _push(hr, rows=rows, dry_run=True)
    assert response.status_code == 200, response.content[:300]
    assert response.json()["counts"]["created"] == 40
