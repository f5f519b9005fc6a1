"""The launch through the real services: PostgreSQL shared with a real Celery worker, and Redis.
Skipped on the embedded SQLite default."""

import time

import pytest

from policies.campaigns import services
from policies.campaigns.models import AcknowledgementRequest, Campaign
from policies.campaigns.notifications import KIND_REQUEST
from policies.campaigns.tasks import launch_campaign
from portal.notifications.models import Notification

from .factories import VersionFactory, make_campaign

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def wait_until(condition, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def test_launch_runs_in_the_worker_and_a_redelivery_changes_nothing(celery_worker, org):
    campaign = make_campaign(VersionFactory())
    services.campaign_launch(campaign=campaign, actor=org.user("harry"))  # enqueued after commit
    launch_campaign.delay(campaign.pk)  # and a second run at the same time, on the worker's other slot
    assert wait_until(lambda: Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.LAUNCHED)
    assert AcknowledgementRequest.objects.filter(campaign=campaign).count() == 8
    assert Notification.objects.filter(kind=KIND_REQUEST).count() == 8
    # The same task delivered twice more, at once (a redelivery, a second worker): nothing is duplicated.
    # The launch task stores no result; the test asks for one to know when both runs are over.
    results = [launch_campaign.apply_async((campaign.pk,), ignore_result=False) for _ in range(2)]
    assert [r.get(timeout=60) for r in results] == [0, 0]
    assert AcknowledgementRequest.objects.filter(campaign=campaign).count() == 8
    assert Notification.objects.filter(kind=KIND_REQUEST).count() == 8
