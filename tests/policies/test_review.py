"""The review cycle (§7.3: DCAI keeps the policy up to date): reminders 90 and 30 days before the review
date and once it has passed, each once (time travel); the list of policies due for review; the overdue
flag on DCAI's home page; DCAI plans the next review."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from policies.models import PolicyVersion, PolicyVersionEvent, ReviewReminder
from policies.review import review_state, stage_for
from policies.services import review_reminders_send, version_plan_review
from policies.tasks import send_review_reminders
from portal.notifications.models import Notification

from .factories import PolicyFactory, make_version

pytestmark = pytest.mark.django_db
S = PolicyVersion.Status
KIND = "policies.review_due"


def reminded() -> list[tuple[str, str]]:
    return sorted(Notification.objects.filter(kind=KIND).values_list("recipient__username", "context__review_on"))


@pytest.fixture
def in_force(org):
    return make_version(status=S.IN_FORCE, next_review_on=dt.date(2026, 6, 30))


def test_reminders_once_each_at_90_and_30_days_and_when_the_date_passes(org, in_force):
    days = {"2026-03-01": 0, "2026-04-01": 1, "2026-04-02": 0, "2026-04-15": 0, "2026-05-31": 1, "2026-06-01": 0,
            "2026-06-30": 1, "2026-07-15": 0}
    for day, expected in days.items():
        with time_machine.travel(f"{day} 08:00:00-04:00", tick=False):
            assert review_reminders_send() == expected, day
            assert review_reminders_send() == 0, day  # the job again the same day: nothing more
    assert list(ReviewReminder.objects.order_by("stage").values_list("stage", flat=True)) == [0, 30, 90]
    # Each DCAI officer (diane, dora) once per stage; nobody else.
    assert reminded() == sorted([(name, "2026-06-30") for name in ("diane", "dora")] * 3)
    assert Notification.objects.filter(kind=KIND).values("target_id").distinct().count() == 1


def test_a_review_planned_20_days_ahead_skips_the_90_day_reminder(org, in_force):
    with time_machine.travel("2026-06-10 08:00:00-04:00", tick=False):
        assert review_reminders_send() == 1
    assert list(ReviewReminder.objects.values_list("stage", flat=True)) == [30]


def test_a_new_review_date_starts_its_reminders_afresh(org, in_force):
    with time_machine.travel("2026-07-01 08:00:00-04:00", tick=False):
        assert review_reminders_send() == 1  # passed
        version_plan_review(version=in_force, actor=org.user("diane"), next_review_on=dt.date(2026, 9, 1), note="")
        assert review_reminders_send() == 1  # 62 days before the new date: the 90-day reminder
    assert set(ReviewReminder.objects.values_list("review_on", "stage")) == {
        (dt.date(2026, 6, 30), 0), (dt.date(2026, 9, 1), 90)
    }


def test_only_versions_in_force_are_reminded_and_the_beat_runs_the_job(org, in_force):
    make_version(status=S.SUPERSEDED, policy=in_force.policy, label="old", next_review_on=dt.date(2026, 5, 1))
    assert "policies.send_review_reminders" in {job["task"] for job in settings.CELERY_BEAT_SCHEDULE.values()}
    with time_machine.travel("2026-05-15 08:00:00-04:00", tick=False):
        assert send_review_reminders() == 1
    assert list(ReviewReminder.objects.values_list("version", flat=True)) == [in_force.pk]


def test_stages_and_states():
    assert [stage_for(d) for d in (120, 91, 90, 31, 30, 1, 0, -3)] == [None, None, 90, 90, 30, 30, 0, 0]
    today = dt.date(2026, 1, 1)
    assert review_state(None, today) == "unplanned"
    assert review_state(dt.date(2025, 12, 31), today) == "overdue"
    assert review_state(dt.date(2026, 1, 20), today) == "due_30"
    assert review_state(dt.date(2026, 3, 1), today) == "due_90"
    assert review_state(dt.date(2027, 1, 1), today) == "planned"


def test_overdue_is_flagged_on_dcai_home_and_listed(org, in_force, login):
    other = make_version(status=S.IN_FORCE, policy=PolicyFactory(number="65160"), label="y")
    with time_machine.travel("2026-07-02 08:00:00-04:00", tick=False):
        home = login(org.user("diane")).get(reverse("home")).content.decode()
        assert "1 révision en retard" in home and reverse("policies:reviews") in home
        page = login(org.user("diane")).get(reverse("policies:reviews"))
        rows = [(r.version.pk, r.state) for r in page.context["reviews"]]
        assert rows[0] == (in_force.pk, "overdue")
        assert (other.pk, "unplanned") in rows
        for name in ("alice", "carol", "harry"):
            assert "révision en retard" not in login(org.user(name)).get(reverse("home")).content.decode()
            assert login(org.user(name)).get(reverse("policies:reviews")).status_code == 403


def test_dcai_plans_the_next_review(org, in_force, login):
    url = reverse("policies:version_plan_review", args=[in_force.policy.number, in_force.pk])
    client = login(org.user("diane"))
    with time_machine.travel("2026-07-02 08:00:00-04:00", tick=False):
        refused = client.post(url, {"next_review_on": "2026-07-01"})
        assert refused.status_code == 200 and "next_review_on" in refused.context["form"].errors
        in_force.refresh_from_db()
        assert in_force.next_review_on == dt.date(2026, 6, 30)
        done = client.post(url, {"next_review_on": "2029-06-30", "note": "Révisée sans changement."})
        assert done.status_code == 302
    in_force.refresh_from_db()
    assert in_force.next_review_on == dt.date(2029, 6, 30)
    event = PolicyVersionEvent.objects.get(version=in_force, action="review")
    assert event.actor == org.user("diane") and "Révisée sans changement." in event.note
    assert login(org.user("alice")).post(url, {"next_review_on": "2030-01-01"}).status_code == 403
    draft = make_version(status=S.DRAFT, policy=in_force.policy, label="brouillon")
    draft_url = reverse("policies:version_plan_review", args=[draft.policy.number, draft.pk])
    assert login(org.user("oscar")).get(draft_url).status_code == 404
    # A draft's review date is edited with the draft.
    assert login(org.user("diane")).get(draft_url).status_code == 302
