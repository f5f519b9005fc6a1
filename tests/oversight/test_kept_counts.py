"""Counts kept by PostgreSQL (incidents.statistics.kept): after every kind of write to the incidents table, the
figures read from them equal the figures counted afresh, for whole and partial months, folded or not."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import override_settings

from incidents.models import Incident, StatisticsChange, StatisticsCount
from incidents.statistics import kept
from incidents.statistics import period as periods
from incidents.statistics.figures import incident_figures

from .factories import at, incident

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL keeps the counts"),
]
Level, Outcome, Category, Platform = Incident.Level, Incident.Outcome, Incident.Category, Incident.Platform
NOW = "2026-03-20 12:00:00-04:00"
PERIODS = [
    periods.year(2025),
    periods.quarter(2025, 4),
    periods.last_12_months(date(2026, 3, 20)),
    periods.custom(date(2025, 11, 15), date(2026, 2, 10)),  # partial months at both ends
    periods.custom(date(2026, 1, 5), date(2026, 1, 20)),  # within one month: nothing kept is read
    # From the first of a month with nothing declared after its end in that month: the month is read whole.
    periods.custom(date(2026, 2, 1), date(2026, 2, 20)),
]


def afresh(monkeypatch, period, direction=None) -> dict:
    with monkeypatch.context() as patched:
        patched.setattr(kept, "counts", lambda months, direction_id: None)
        return incident_figures(period, direction=direction)


def assert_kept_equals_afresh(monkeypatch, org) -> None:
    for period in PERIODS:
        for direction in (None, org.care, org.tech):
            figures = incident_figures(period, direction=direction)
            assert figures == afresh(monkeypatch, period, direction), (period, direction)


@pytest.fixture
def history(org):
    """Incidents across month ends (in the portal's time zone), directions, levels and outcomes."""
    alice, oscar = org.user("alice"), org.user("oscar")
    rows = [
        incident(alice, created=at("2025-10-31", 23, 30), direction=org.care, level=Level.MANAGER,
                 assigned_manager=org.bob, deadline=at("2025-11-03")),
        incident(alice, created=at("2025-11-01", 0, 15), direction=org.care, level=Level.CLOSED,
                 closed_at_level=Level.MANAGER, outcome=Outcome.UNFOUNDED, closed_after=timedelta(hours=5),
                 reached_manager_at=at("2025-11-01", 0, 15), taken_manager_at=at("2025-11-01", 2)),
        incident(oscar, created=at("2025-12-24"), direction=org.tech, level=Level.DCAI, urgent=True,
                 category=Category.PATIENT_INFO, platform=Platform.TIKTOK, auto_escalations=2, missed_deadline=True,
                 reached_dcai_at=at("2025-12-26"), taken_dcai_at=at("2025-12-27")),
        incident(oscar, created=at("2026-01-31", 23, 59), direction=None, level=Level.DCAI,
                 deadline=at("2026-02-02")),
        incident(alice, created=at("2026-02-10", 8), direction=org.care, level=Level.CLOSED,
                 closed_at_level=Level.DCAI, outcome=Outcome.FOUNDED, closed_after=timedelta(days=3),
                 category=Category.COPYRIGHT, platform=Platform.X),
        incident(alice, created=at("2026-03-19"), direction=org.tech, level=Level.MANAGER, assigned_manager=org.bob),
        # After the end of the last twelve months (20 March), in its last month: that month is counted by day.
        incident(oscar, created=at("2026-03-25"), direction=org.care, level=Level.DCAI, urgent=True),
    ]
    return rows


@time_machine.travel(NOW, tick=False)
def test_kept_counts_equal_fresh_counts_after_every_kind_of_write(monkeypatch, org, history):
    assert StatisticsChange.objects.exists()
    assert_kept_equals_afresh(monkeypatch, org)

    first, second, third, fourth, fifth, _sixth, _seventh = history
    # A service's save: escalation to the direction, then closure at DCAI.
    first.level, first.assigned_direction = Level.DIRECTION, org.care
    first.auto_escalations, first.missed_deadline = 1, True
    first.save()
    third.level, third.status, third.closed_at_level = Level.CLOSED, Incident.Status.CLOSED, Level.DCAI
    third.outcome, third.closed_at, third.deadline_at = Outcome.WITHDRAWN, at("2026-01-05"), None
    third.save()
    # DCAI reopens a closed incident; another changes category, platform, direction and urgency.
    second.level, second.status, second.closed_at_level = Level.DCAI, Incident.Status.OPEN, ""
    second.outcome, second.closed_at, second.deadline_at = "", None, at("2026-03-25")
    second.save()
    Incident.objects.filter(pk=fourth.pk).update(
        category=Category.STAFF_INFO, platform=Platform.BLOG, direction=org.care, urgent=True
    )
    # A bulk write over several rows, a declaration moved to another month, a removal (retention).
    Incident.objects.filter(level=Level.MANAGER).update(deadline_at=at("2026-03-01"))
    Incident.objects.filter(pk=fifth.pk).update(created_at=at("2025-12-01", 0, 1))
    Incident.objects.filter(pk=history[5].pk).delete()
    assert_kept_equals_afresh(monkeypatch, org)

    folded = kept.fold()
    assert folded > 0
    assert not StatisticsChange.objects.exists()
    assert_kept_equals_afresh(monkeypatch, org)
    assert kept.fold() == 0


@time_machine.travel(NOW, tick=False)
def test_the_kept_path_reads_the_counts_not_the_incidents(monkeypatch, org, history):
    """Whole months come from the kept rows: a count changed there shows on the page (and nowhere else)."""
    kept.fold()
    row = StatisticsCount.objects.get(month=date(2025, 12, 1), direction_id=org.tech.pk, key="total")
    StatisticsCount.objects.filter(pk=row.pk).update(n=row.n + 1000)
    assert incident_figures(periods.year(2025))["total"] == afresh(monkeypatch, periods.year(2025))["total"] + 1000
    # A period within one month never reads them.
    december = periods.custom(date(2025, 12, 2), date(2025, 12, 30))
    assert incident_figures(december)["total"] == afresh(monkeypatch, december)["total"]


@time_machine.travel(NOW, tick=False)
def test_another_time_zone_counts_afresh_until_rebuilt(monkeypatch, org, history, caplog):
    november = [date(2025, 11, 1)]
    assert kept.counts(november, None)["total"] == 1
    with override_settings(TIME_ZONE="Asia/Tokyo"):
        assert kept.counts(november, None) is None
        assert "rebuild_statistics" in caplog.text
        # Counted afresh meanwhile: 2025-10-31 23:30 in Montréal is already November in Tokyo.
        figures = incident_figures(periods.custom(date(2025, 11, 1), date(2025, 11, 30)))
        assert figures["total"] == 2
        assert kept.rebuild() > 0
        assert kept.counts(november, None)["total"] == 2
        assert incident_figures(periods.year(2025)) == afresh(monkeypatch, periods.year(2025))
        assert incident_figures(periods.year(2025))["by_month"][10] == ["2025-11", 2]


def test_whole_months():
    assert kept.whole_months(date(2025, 1, 1), date(2025, 12, 31)) == [date(2025, m, 1) for m in range(1, 13)]
    assert kept.whole_months(date(2025, 11, 15), date(2026, 2, 10)) == [date(2025, 12, 1), date(2026, 1, 1)]
    assert kept.whole_months(date(2026, 1, 5), date(2026, 1, 20)) == []
    assert kept.whole_months(date(2024, 2, 1), date(2024, 2, 29)) == [date(2024, 2, 1)]
    assert kept.whole_months(date(2024, 2, 1), date(2024, 2, 28)) == []
