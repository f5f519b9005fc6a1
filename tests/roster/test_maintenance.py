"""The daily job: expiry past the end date, renewal asked 30 days before, once (§7.4)."""

import datetime
import zoneinfo

import pytest
import time_machine

from portal.notifications.models import Notification
from portal.roster import services
from portal.roster.models import Designation, DesignationEvent
from portal.roster.tasks import daily_maintenance as daily_task

from .factories import DesignationFactory

Status = Designation.Status
TZ = zoneinfo.ZoneInfo("America/Toronto")
START = datetime.date(2030, 1, 10)
END = datetime.date(2030, 6, 30)


def at(day: datetime.date, hour: int = 9):
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, hour, tzinfo=TZ), tick=False)


def kinds_to(kind: str) -> list[str]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


@pytest.fixture
def active(org, accounts):
    with at(START):
        return DesignationFactory(
            profile=org.alice,
            designated_by=org.user("carol"),
            status=Status.ACTIVE,
            start_date=START,
            end_date=END,
            accounts=[accounts["facebook"]],
        )


def test_task_is_registered_under_the_beat_name():
    from django.conf import settings

    from portal.celery import app

    assert settings.CELERY_BEAT_SCHEDULE["roster-daily"]["task"] == "roster.daily_maintenance"
    assert daily_task.name == "roster.daily_maintenance"
    assert app.tasks["roster.daily_maintenance"].name == "roster.daily_maintenance"


def test_renewal_is_asked_30_days_before_the_end_once(org, active):
    with at(END - datetime.timedelta(days=31)):
        assert daily_task.delay().get()["renewal_requested"] == 0
    with at(END - datetime.timedelta(days=30)):
        assert services.daily_maintenance()["renewal_requested"] == 1
        # Hourly runs the same day, and the next days, ask nothing more.
        assert services.daily_maintenance()["renewal_requested"] == 0
    with at(END - datetime.timedelta(days=10), hour=15):
        assert services.daily_maintenance() == {"expired": 0, "renewal_requested": 0, "revoked": 0}
    assert kinds_to("roster.renewal_due") == ["carol"]
    notification = Notification.objects.get(kind="roster.renewal_due")
    assert notification.context["days_left"] == 30 and notification.context["end_date"] == END.isoformat()
    active.refresh_from_db()
    assert active.renewal_requested_at is not None
    assert active.events.filter(action="renewal_requested").count() == 1


def test_delegates_are_asked_too_and_dcai_when_nobody_leads(org, accounts):
    from portal.permissions import direction_delegate_add

    direction_delegate_add(user=org.user("bob"), direction=org.care)
    with at(START):
        DesignationFactory(
            profile=org.alice,
            designated_by=org.user("carol"),
            status=Status.ACTIVE,
            start_date=START,
            end_date=END,
            accounts=[accounts["facebook"]],
        )
        DesignationFactory(
            profile=org.oscar,
            designated_by=org.user("olga"),
            status=Status.ACTIVE,
            start_date=START,
            end_date=END,
            accounts=[accounts["facebook"]],
        )
    with at(END - datetime.timedelta(days=5)):
        assert services.daily_maintenance()["renewal_requested"] == 2
    assert kinds_to("roster.renewal_due") == ["bob", "carol", "diane", "dora"]


def test_no_renewal_asked_when_a_renewal_is_already_under_way(org, active, accounts):
    with at(START):
        DesignationFactory(
            profile=org.alice,
            designated_by=org.user("carol"),
            renewal_of=active,
            start_date=END + datetime.timedelta(days=1),
            end_date=END + datetime.timedelta(days=300),
            accounts=[accounts["facebook"]],
        )
    with at(END - datetime.timedelta(days=20)):
        assert services.daily_maintenance()["renewal_requested"] == 0
    assert not Notification.objects.filter(kind="roster.renewal_due").exists()


def test_designation_expires_the_day_after_its_end_date(org, active):
    with at(END, hour=23):
        assert services.daily_maintenance()["expired"] == 0
    active.refresh_from_db()
    assert active.status == Status.ACTIVE
    with at(END + datetime.timedelta(days=1), hour=0):
        counts = services.daily_maintenance()
        assert counts["expired"] == 1
        assert services.daily_maintenance()["expired"] == 0
    active.refresh_from_db()
    assert active.status == Status.EXPIRED
    event = active.events.get(action="expired")
    assert (event.from_status, event.to_status, event.actor) == ("active", "expired", None)
    assert kinds_to("roster.designation_expired") == ["alice", "carol"]


def test_pending_designation_past_its_period_expires(org, accounts):
    with at(START):
        pending = DesignationFactory(
            profile=org.alice,
            designated_by=org.user("carol"),
            start_date=START,
            end_date=START + datetime.timedelta(days=5),
            accounts=[accounts["facebook"]],
        )
    with at(START + datetime.timedelta(days=6)):
        services.daily_maintenance()
    pending.refresh_from_db()
    assert pending.status == Status.EXPIRED
    # The person was never active: only the direction is told.
    assert kinds_to("roster.designation_expired") == ["carol"]


def test_confirmed_renewal_continues_and_the_person_is_not_told_of_the_end(
    org, active, accounts, acknowledged
):
    with at(START + datetime.timedelta(days=100)):
        renewal = services.designation_renew(
            designation=active,
            actor=org.user("carol"),
            data=services.DesignationData(
                accounts=[accounts["facebook"]],
                role="publisher",
                justification="Suite",
                start_date=END + datetime.timedelta(days=1),
                end_date=END + datetime.timedelta(days=365),
            ),
        )
        services.designation_confirm(designation=renewal, actor=org.user("diane"))
    with at(END + datetime.timedelta(days=1)):
        services.daily_maintenance()
    active.refresh_from_db()
    renewal.refresh_from_db()
    assert (active.status, renewal.status) == (Status.EXPIRED, Status.ACTIVE)
    assert kinds_to("roster.designation_expired") == ["carol"]
    assert renewal.is_current(END + datetime.timedelta(days=1))


def test_profiles_deactivated_without_the_hook_are_caught_by_the_daily_job(org, active):
    org.alice.is_active = False
    org.alice.save()
    with at(START + datetime.timedelta(days=3)):
        assert services.daily_maintenance()["revoked"] == 1
        assert services.daily_maintenance()["revoked"] == 0
    active.refresh_from_db()
    assert active.status == Status.REVOKED
    assert DesignationEvent.objects.filter(action="revoked").count() == 1
