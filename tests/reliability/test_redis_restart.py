"""Redis killed and restarted around a campaign launch: the launch request returns at once while Redis is
down, the launch runs within seconds of Redis coming back (the resume job, every minute in production),
and a second Redis crash in the middle of the deliveries loses no email and sends none twice."""

import time

import pytest
from django.urls import reverse

from policies.campaigns.models import AcknowledgementRequest, Campaign
from policies.campaigns.notifications import KIND_LAUNCHED, KIND_REQUEST
from portal.notifications.models import Notification
from tests.campaigns.factories import VersionFactory, make_campaign

from .helpers import all_sent, assert_each_once, make_people, report, settle, statuses
from .processes import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_launch_with_redis_down_then_redis_crashing_mid_delivery(rig, redis, inbox, org, client):
    make_people(100)
    campaign = make_campaign(VersionFactory())
    inbox.delay = 0.02
    rig.worker(concurrency=1)
    rig.beat()

    redis.kill()
    client.force_login(org.user("harry"), backend="portal.accounts.backends.PortalPasswordBackend")
    url = reverse("campaigns:launch", args=[campaign.pk])  # a running web process has its URLs loaded
    started = time.monotonic()
    response = client.post(url)
    launch_seconds = time.monotonic() - started
    assert response.status_code == 302
    assert launch_seconds < 2, f"the launch request waited {launch_seconds:.1f}s for Redis"
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.LAUNCHING

    time.sleep(1)  # Redis stays down a moment; the launch waits, committed
    redis.start()
    back_at = time.monotonic()
    assert wait_until(lambda: len(inbox.messages) >= 10, 40), "no delivery after Redis came back"
    started_after = time.monotonic() - back_at

    redis.kill()  # the batches still queued are lost with it
    time.sleep(1)
    redis.start()
    second_back_at = time.monotonic()

    def done() -> bool:
        ids = list(Notification.objects.filter(kind__in=[KIND_REQUEST, KIND_LAUNCHED]).values_list("pk", flat=True))
        return Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.LAUNCHED and all_sent(ids)

    assert wait_until(done, 50), statuses(list(Notification.objects.values_list("pk", flat=True)))
    recovery = time.monotonic() - second_back_at
    total = time.monotonic() - back_at
    settle(inbox)
    audience = campaign.launch_total or AcknowledgementRequest.objects.filter(campaign=campaign).count()
    rows = list(Notification.objects.filter(kind=KIND_REQUEST).select_related("recipient"))
    assert len(rows) == AcknowledgementRequest.objects.filter(campaign=campaign).count() == audience > 100
    assert_each_once(inbox, [*rows, *Notification.objects.filter(kind=KIND_LAUNCHED).select_related("recipient")])
    assert len(inbox.messages) == len(rows) + 1
    report("Redis down at launch, then crashing mid-delivery", launch_request_s=round(launch_seconds, 2),
           first_email_after_redis_back_s=round(started_after, 1),
           all_sent_after_second_restart_s=round(recovery, 1), all_sent_after_redis_first_back_s=round(total, 1),
           emails=len(inbox.messages))
