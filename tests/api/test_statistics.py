"""statistics:read: the incident figures of a period (those of the statistics page); never content, never names."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from incidents.models import Incident
from portal.api.scopes import STATISTICS_READ
from tests.incidents.factories import build_incidents, declare

URL = "/api/v1/statistics/incidents/"


@pytest.fixture
def bi(org, token, api):
    return api(token(STATISTICS_READ))


@pytest.fixture
def incidents(org):
    declare(org.user("alice"), description="Texte secret du déclarant", category=Incident.Category.PATIENT_INFO,
            patient_info_exposed=True)
    build_incidents(3, declarer=org.user("alice"))
    build_incidents(2, declarer=org.user("oscar"), level=Incident.Level.CLOSED, outcome=Incident.Outcome.FOUNDED)


def _counts(rows) -> dict:
    return {row["code"]: row["count"] for row in rows}


def test_counts_by_month_category_direction_level_and_outcome(org, bi, incidents):
    body = bi.get(URL).json()
    assert body["total"] == 6 and body["closed"] == 2 and body["open"] == 4
    assert body["by_month"][-1] == {"month": timezone.localdate().strftime("%Y-%m"), "count": 6}
    assert len(body["by_month"]) == 12
    assert _counts(body["by_category"])["patient_info"] == 1
    assert _counts(body["by_category"])["reputation"] == 5
    assert {(d["code"], d["count"]) for d in body["by_direction"]} == {("DSP", 4), ("DST", 2)}
    assert _counts(body["by_outcome"]) == {"founded": 2, "unfounded": 0, "duplicate": 0, "withdrawn": 0, "open": 4}
    assert sum(_counts(body["by_level"]).values()) == 6
    assert set(body["times"]["take"]) == {"manager", "direction", "dcai"}
    assert set(body["times"]["close"]) == {"manager", "dcai", "all"}
    assert body["direction"] is None


def test_never_content_references_or_names(org, bi, incidents):
    text = bi.get(URL).content.decode()
    for secret in ["Texte secret", "INC-", "Alice", "alice", "Oscar", org.alice.employee_number, "register"]:
        assert secret not in text


def test_one_direction_and_a_period(org, bi, incidents):
    body = bi.get(URL, {"direction": "dst"}).json()
    assert body["direction"] == "DST" and body["total"] == 2
    old = bi.get(URL, {"start": "2001-01-01", "end": "2001-12-31"}).json()
    assert old["total"] == 0 and old["period"] == {"start": "2001-01-01", "end": "2001-12-31"}
    year = timezone.localdate().year
    assert bi.get(URL, {"period": str(year)}).json()["period"]["start"] == f"{year}-01-01"


@pytest.mark.parametrize(
    "params",
    [
        {"direction": "NOPE"},
        {"start": "2025-02-01", "end": "2025-01-01"},
        {"start": "1990-01-01", "end": "1990-02-01"},
        {"start": "2025-01-01"},
        {"period": "2025-T9"},
        {"period": "12m", "start": "2025-01-01", "end": "2025-02-01"},
        {"end": (datetime.date.today() + datetime.timedelta(days=3)).isoformat(), "start": "2025-01-01"},
        {"group_by": "declarer"},
    ],
)
def test_bad_parameters_are_400(bi, params):
    response = bi.get(URL, params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
