"""The deadline escalation runs while Redis is down: it escalates every overdue incident once, without
waiting on the broker, and each notification it wrote is emailed exactly once after Redis comes back
(the sweep, every minute in production)."""

import datetime
import time

import pytest
from django.utils import timezone

from incidents.models import Incident
from incidents.services import incidents_escalate_overdue
from portal.notifications.models import Notification
from tests.incidents.factories import declare

from .helpers import all_sent, assert_each_once, report, settle, statuses
from .processes import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_escalation_while_redis_is_down_then_each_email_once(rig, redis, inbox, org):
    rig.worker(concurrency=2)
    rig.beat()
    incidents = [declare(org.user("alice"), description=f"Publication {n}") for n in range(6)]
    Incident.objects.filter(pk__in=[i.pk for i in incidents]).update(
        deadline_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert wait_until(lambda: all_sent(list(Notification.objects.values_list("pk", flat=True))), 30)
    before = set(Notification.objects.values_list("pk", flat=True))
    inbox.messages.clear()

    redis.kill()
    started = time.monotonic()
    result = incidents_escalate_overdue()  # what beat's job runs, in a worker that lost its broker
    run_seconds = time.monotonic() - started
    assert result["escalated"] == len(incidents)
    assert run_seconds < 10, f"the escalation waited {run_seconds:.1f}s for Redis"
    assert set(Incident.objects.values_list("level", flat=True)) == {Incident.Level.DIRECTION}
    rows = list(Notification.objects.exclude(pk__in=before).select_related("recipient"))
    assert rows and {row.email_status for row in rows} == {Notification.EmailStatus.PENDING}

    time.sleep(2)
    redis.start()
    back_at = time.monotonic()
    ids = [row.pk for row in rows]
    assert wait_until(lambda: all_sent(ids), 45), statuses(ids)
    recovery = time.monotonic() - back_at
    assert incidents_escalate_overdue() == {"escalated": 0, "reminded": 0}  # run again: nothing more
    settle(inbox)
    assert_each_once(inbox, rows)
    assert len(inbox.messages) == len(rows)
    report("deadline escalation with Redis down", incidents=len(incidents), escalation_run_s=round(run_seconds, 2),
           notifications=len(rows), all_sent_after_redis_back_s=round(recovery, 1))
