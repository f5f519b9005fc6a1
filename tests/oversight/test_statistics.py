"""Statistics (§7.2, §7.3): counts and times of a small institution counted by hand; never any content."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from incidents.models import Incident
from incidents.statistics import period as periods
from incidents.statistics.figures import incident_figures, percentile

from .factories import at, incident, register_entry, takedown

pytestmark = pytest.mark.django_db
Level, Outcome, Category, Platform = Incident.Level, Incident.Outcome, Incident.Category, Incident.Platform
NOW = "2026-02-01 12:00:00-05:00"
H = 3600


@pytest.fixture
def institution(org):
    """Five incidents declared in 2025 (A to E) and two just outside the year (F, G)."""
    alice, oscar, diane = org.user("alice"), org.user("oscar"), org.user("diane")
    a = incident(
        alice, created=at("2025-01-10"), direction=org.care, level=Level.CLOSED, closed_at_level=Level.MANAGER,
        outcome=Outcome.UNFOUNDED, closed_after=timedelta(hours=24), category=Category.PATIENT_INFO, urgent=True,
        reached_manager_at=at("2025-01-10"), taken_manager_at=at("2025-01-10", 11),
    )
    b = incident(
        alice, created=at("2025-02-03", 10), direction=org.care, level=Level.CLOSED, closed_at_level=Level.DCAI,
        outcome=Outcome.FOUNDED, closed_after=timedelta(days=7), platform=Platform.X,
        reached_manager_at=at("2025-02-03", 10), taken_manager_at=at("2025-02-03", 14),
        reached_direction_at=at("2025-02-04", 10), taken_direction_at=at("2025-02-04", 16),
        reached_dcai_at=at("2025-02-05", 10), taken_dcai_at=at("2025-02-05", 11),
        auto_escalations=1, missed_deadline=True,
    )
    c = incident(
        oscar, created=at("2025-02-20"), direction=org.tech, level=Level.DIRECTION,
        reached_direction_at=at("2025-02-20"), deadline=at("2025-02-25"),
    )
    d = incident(
        oscar, created=at("2025-03-01"), direction=org.tech, level=Level.DCAI, category=Category.COPYRIGHT,
        platform=Platform.INSTAGRAM, reached_dcai_at=at("2025-03-01"), taken_dcai_at=at("2025-03-01", 12),
    )
    e = incident(
        oscar, created=at("2025-03-15"), direction=None, level=Level.CLOSED, closed_at_level=Level.DCAI,
        outcome=Outcome.DUPLICATE, closed_after=timedelta(hours=48), category=Category.OTHER,
        platform=Platform.OTHER, reached_dcai_at=at("2025-03-15"), taken_dcai_at=at("2025-03-15", 14),
    )
    f = incident(
        alice, created=at("2024-12-31", 23, 30), direction=org.care, level=Level.CLOSED,
        closed_at_level=Level.MANAGER, outcome=Outcome.UNFOUNDED, closed_after=timedelta(hours=1),
    )
    incident(alice, created=at("2026-01-01", 0, 30), direction=org.care, level=Level.MANAGER, assigned_manager=org.bob)
    takedown(b, requested=at("2025-02-06", 10), removed=at("2025-02-07", 10), by=diane)
    takedown(d, requested=at("2025-03-02", 10), removed=None, by=diane)
    takedown(f, requested=at("2024-12-31", 12), removed=at("2025-01-02", 12), by=diane)
    register_entry(
        b, by=diane, learned=date(2025, 2, 5), serious_injury_risk=True, cai_notified_on=date(2025, 2, 10),
        persons_notified_on=date(2025, 2, 12), public_notice=True, public_notice_reason="Diffusion large.",
    )
    register_entry(f, by=diane, learned=date(2024, 12, 31), persons_notified_on=date(2025, 1, 5))
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


EXPECTED_TIMES = {
    "take": {
        "manager": {"count": 2, "p50": 3 * H, "p90": round(3.8 * H)},
        "direction": {"count": 1, "p50": 6 * H, "p90": 6 * H},
        "dcai": {"count": 3, "p50": 3 * H, "p90": round(4.6 * H)},
    },
    "close": {
        "manager": {"count": 1, "p50": 24 * H, "p90": 24 * H},
        "dcai": {"count": 2, "p50": 108 * H, "p90": 156 * H},
        "all": {"count": 3, "p50": 48 * H, "p90": 144 * H},
    },
}


@time_machine.travel(NOW, tick=False)
def test_figures_match_a_hand_counted_institution(org, institution):
    figures = incident_figures(periods.year(2025))
    assert (figures["total"], figures["urgent"], figures["open"], figures["closed"]) == (5, 1, 2, 3)
    assert figures["by_month"] == [["2025-01", 1], ["2025-02", 2], ["2025-03", 2]] + [
        [f"2025-{m:02d}", 0] for m in range(4, 13)
    ]
    assert dict(figures["by_category"]) == {
        **dict.fromkeys(Category.values, 0), "patient_info": 1, "reputation": 2, "copyright": 1, "other": 1
    }
    assert dict(figures["by_platform"]) == {
        **dict.fromkeys(Platform.values, 0), "facebook": 2, "x": 1, "instagram": 1, "other": 1
    }
    assert [(code, n) for code, _fr, _en, n in figures["by_direction"]] == [("DSP", 2), ("DST", 2), ("", 1)]
    assert figures["by_level"] == [["manager", 1], ["direction", 1], ["dcai", 3]]
    assert figures["by_outcome"] == [["founded", 1], ["unfounded", 1], ["duplicate", 1], ["withdrawn", 0], ["open", 2]]
    assert figures["times"] == EXPECTED_TIMES
    assert figures["overdue"] == {"count": 2, "rate": 40.0, "auto_escalated": 1, "auto_escalations": 1}
    assert figures["takedowns"] == {"requested": 2, "obtained": 1, "median_removal": 24 * H}
    assert figures["register"] == {
        "entries": 1, "serious_risk": 1, "minister": 0, "cai": 1, "persons": 2, "public": 1
    }


@time_machine.travel(NOW, tick=False)
def test_one_direction(org, institution):
    figures = incident_figures(periods.year(2025), direction=org.care)
    assert (figures["total"], figures["open"]) == (2, 0)
    assert figures["direction"]["code"] == "DSP"
    assert figures["takedowns"] == {"requested": 1, "obtained": 1, "median_removal": 24 * H}
    assert (figures["register"]["entries"], figures["register"]["persons"]) == (1, 2)


def test_percentile_is_postgresqls_percentile_cont():
    assert percentile([], 0.5) is None
    assert percentile([7], 0.9) == 7
    assert percentile([2, 4], 0.5) == 3
    assert percentile([1, 5, 3], 0.9) == pytest.approx(4.6)


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("who", ["diane", "gina"])
def test_the_page_shows_the_figures_and_never_the_content(org, institution, login, gina, who):
    client = login(gina if who == "gina" else org.user(who))
    page = client.get(reverse("incidents:statistics"), {"period": "2025"})
    assert page.status_code == 200
    assert page.context["stats"]["figures"] == incident_figures(periods.year(2025))
    html = page.content.decode()
    assert "Contenu à ne jamais montrer" not in html
    assert "INC-T-" not in html
    assert "40,0 %" in html or "40.0 %" in html
    for fmt in ("csv", "xlsx"):
        export = client.get(reverse("incidents:statistics_export", args=[fmt]), {"period": "2025"})
        assert export.status_code == 200
        assert "attachment" in export["Content-Disposition"]
    csv = client.get(reverse("incidents:statistics_export", args=["csv"]), {"period": "2025"}).content.decode()
    assert "Contenu à ne jamais montrer" not in csv and "INC-T-" not in csv
    assert "Incidents déclarés;Total;5" in csv  # French: semicolons, for a French Excel


@pytest.mark.parametrize("name", ["alice", "bob", "carol", "harry", "oscar"])
def test_everyone_else_gets_404(org, login, name):
    client = login(org.user(name))
    assert client.get(reverse("incidents:statistics")).status_code == 404
    assert client.get(reverse("incidents:statistics_export", args=["csv"])).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_a_forged_period_or_direction_is_said_and_the_default_shown(org, login):
    client = login(org.user("diane"))
    for params in ({"period": "1999"}, {"period": "2031-T1"}, {"direction": "999999"},
                   {"period": "custom", "start": "2025-05-01", "end": "2025-01-01"}):
        page = client.get(reverse("incidents:statistics"), params)
        assert page.status_code == 200, params
        assert page.context["form"].errors, params
        assert page.context["period"].token == periods.LAST_12_MONTHS
    assert client.get(reverse("incidents:statistics_export", args=["pdf"])).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_custom_dates(org, institution, login):
    page = login(org.user("diane")).get(
        reverse("incidents:statistics"), {"period": "custom", "start": "2025-02-01", "end": "2025-02-28"}
    )
    assert page.context["period"].token == "2025-02-01_2025-02-28"
    assert page.context["stats"]["figures"]["total"] == 2


def test_the_page_costs_a_constant_number_of_queries(org, login, django_assert_max_num_queries):
    from tests.incidents.factories import build_incidents

    client = login(org.user("diane"))
    client.get(reverse("incidents:statistics"))
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("incidents:statistics"))
    build_incidents(40, declarer=org.user("alice"), level=Level.CLOSED)
    build_incidents(40, declarer=org.user("oscar"), level=Level.DIRECTION)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("incidents:statistics"))


def test_periods():
    today = date(2025, 5, 20)
    assert periods.parse("2025-T2", today) == periods.Period(date(2025, 4, 1), date(2025, 6, 30), "2025-T2")
    assert periods.parse("2024-T4", today).end == date(2024, 12, 31)
    assert periods.parse("12m", today).start == date(2024, 6, 1)
    assert periods.parse("2026", today) is None
    assert periods.parse("2025-02-30_2025-03-01", today) is None
    tokens = [token for token, _label in periods.choices(today)]
    assert tokens[:5] == ["12m", "2025", "2025-T2", "2025-T1", "2024"]
