"""A direction (head or delegate) exports its own roster; nobody else's rows ever leave (§7.4)."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from portal.permissions import direction_delegate_add
from portal.roster.models import Designation
from tests.factories import StaffProfileFactory, UserFactory

from .factories import DesignationFactory

Status = Designation.Status


def url(fmt, query=""):
    return reverse("roster:direction_export", args=[fmt]) + query


def csv_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].endswith('.csv"')
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def xlsx_rows(response):
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


@pytest.fixture
def rows(org, accounts):
    """Two DSP designations (one with a formula-like name), one of DST, one of DCAI."""
    tricky = StaffProfileFactory(
        direction=org.care, user=UserFactory(last_name='=HYPERLINK("http://x")', first_name="Éloïse")
    )
    org.tech.head = org.user("olga")
    org.tech.save()
    return {
        "alice": DesignationFactory(
            profile=org.alice, designated_by=org.user("carol"), accounts=[accounts["facebook"]]
        ),
        "tricky": DesignationFactory(
            profile=tricky,
            designated_by=org.user("carol"),
            status=Status.ACTIVE,
            accounts=[accounts["facebook"], accounts["x"]],
        ),
        "tech": DesignationFactory(profile=org.oscar, designated_by=org.user("olga"), accounts=[accounts["x"]]),
        "dcai": DesignationFactory(profile=org.diane, designated_by=org.user("dora"), accounts=[accounts["x"]]),
    }


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_outsider_and_employee_get_404(org, login, rows, fmt):
    for name in ("oscar", "alice", "harry"):
        assert login(org.user(name)).get(url(fmt)).status_code == 404, name


def test_unknown_format_is_404(org, login, rows):
    assert login(org.user("carol")).get(url("pdf")).status_code == 404


def test_head_exports_only_their_directions_rows_in_csv(org, login, rows):
    exported = csv_rows(login(org.user("carol")).get(url("csv")))
    dcai = csv_rows(login(org.user("diane")).get(reverse("roster:export", args=["csv"])))
    assert exported[0] == dcai[0], "same columns as the DCAI export"
    by_ref = {row[0]: row for row in exported[1:]}
    assert set(by_ref) == {rows["alice"].reference, rows["tricky"].reference}
    assert {row[5] for row in exported[1:]} == {"DSP"}
    # The rows are the very rows DCAI exports for them.
    dcai_by_ref = {row[0]: row for row in dcai[1:]}
    for ref, row in by_ref.items():
        assert row == dcai_by_ref[ref]
    tricky = by_ref[rows["tricky"].reference]
    assert tricky[2] == '\'=HYPERLINK("http://x")' and tricky[3] == "Éloïse"
    assert tricky[7] == "Facebook · CHUMontreal; X · chum_mtl"


def test_head_exports_xlsx_with_the_pages_filters(org, login, rows):
    values = xlsx_rows(login(org.user("carol")).get(url("xlsx", "?status=active")))
    assert values[0][0] == "Référence"
    assert len(values) == 2
    assert values[1][0] == rows["tricky"].reference
    assert values[1][2] == '\'=HYPERLINK("http://x")'
    assert values[1][5] == "DSP"
    assert values[1][8].date() == rows["tricky"].start_date


def test_other_heads_get_their_own_rows_only(org, login, rows):
    assert [r[0] for r in csv_rows(login(org.user("olga")).get(url("csv")))[1:]] == [rows["tech"].reference]
    values = xlsx_rows(login(org.user("dora")).get(url("xlsx")))
    assert [r[0] for r in values[1:]] == [rows["dcai"].reference]


def test_delegate_exports_the_direction_they_act_for(org, login, rows):
    bob = org.user("bob")
    assert login(bob).get(url("csv")).status_code == 404
    direction_delegate_add(user=bob, direction=org.care)
    exported = csv_rows(login(bob).get(url("csv")))
    assert {row[0] for row in exported[1:]} == {rows["alice"].reference, rows["tricky"].reference}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_forged_direction_is_404(org, login, rows, fmt):
    client = login(org.user("carol"))
    for forged in (org.tech.pk, org.dcai.pk, 999999, "abc"):
        assert client.get(url(fmt, f"?direction={forged}")).status_code == 404, forged
    assert client.get(url(fmt, f"?direction={org.care.pk}")).status_code == 200


def test_own_direction_filter_and_filename(org, login, rows):
    response = login(org.user("carol")).get(url("csv", f"?direction={org.care.pk}&q=alice"))
    assert [r[0] for r in csv_rows(response)[1:]] == [rows["alice"].reference]
    assert 'filename="utilisateurs-autorises-dsp-' in response["Content-Disposition"]


def test_direction_page_links_to_its_export_and_dcai_page_to_the_whole_one(org, login, rows):
    page = login(org.user("carol")).get(reverse("roster:direction_roster") + "?status=active").content.decode()
    assert url("csv", "?status=active&amp;page=1") in page
    assert url("xlsx", "?status=active&amp;page=1") in page
    assert reverse("roster:export", args=["csv"]) not in page
    page = login(org.user("diane")).get(reverse("roster:roster")).content.decode()
    assert reverse("roster:export", args=["csv"]) in page
    assert url("csv") not in page


def _count(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_costs_the_same_for_few_and_many_rows(org, login, accounts, fmt, django_assert_max_num_queries):
    def add(n):
        for _ in range(n):
            profile = StaffProfileFactory(direction=org.care, user=UserFactory())
            DesignationFactory(
                profile=profile, designated_by=org.user("carol"), accounts=[accounts["facebook"], accounts["x"]]
            )

    add(2)
    few = _count(login(org.user("carol")), url(fmt))
    add(30)
    many = _count(login(org.user("carol")), url(fmt))
    assert many <= few
    client = login(org.user("carol"))
    with django_assert_max_num_queries(10):
        assert client.get(url(fmt)).status_code == 200
