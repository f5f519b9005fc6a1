"""A launch whose task never started (the broker was down, or lost it) resumes within minutes: the job beat
runs every minute (docs/rules.md); a launch that is running is left to its run."""

import datetime
import threading
from unittest import mock

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from policies.campaigns import services
from policies.campaigns.models import AcknowledgementRequest, Campaign
from policies.campaigns.services.lifecycle import LAUNCH_LOCK
from policies.campaigns.tasks import resume_stalled_launches
from portal.locks import running_alone

from .factories import make_campaign


def _asked_before(campaign: Campaign, seconds: int) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(launched_at=timezone.now() - datetime.timedelta(seconds=seconds))


def test_a_launch_whose_task_never_ran_resumes_a_minute_later(org, version, settings):
    campaign = make_campaign(version)
    services.campaign_launch(campaign=campaign, actor=org.user("harry"))  # no commit: the task never ran
    assert resume_stalled_launches() == 0  # just asked: its task may still be on its way
    _asked_before(campaign, settings.CAMPAIGN_LAUNCH_RESUME_AFTER + 1)
    assert resume_stalled_launches() == 1
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.LAUNCHED
    assert AcknowledgementRequest.objects.filter(campaign=campaign).count() == campaign.launch_total == 8
    assert resume_stalled_launches() == 0


def test_the_resume_job_runs_every_minute(settings):
    assert settings.CELERY_BEAT_SCHEDULE["policies-resume-launches"]["schedule"] <= 60


@pytest.mark.django_db(transaction=True)
def test_a_running_launch_is_left_to_its_run(org, version, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the run's lock lives in PostgreSQL (the embedded default has a single process)")
    campaign = make_campaign(version)
    with mock.patch("policies.campaigns.services.lifecycle._enqueue_launch"):  # the broker lost the task
        services.campaign_launch(campaign=campaign, actor=org.user("harry"))
    _asked_before(campaign, settings.CAMPAIGN_LAUNCH_RESUME_AFTER + 1)
    holding, release = threading.Event(), threading.Event()

    def run_elsewhere():  # another worker's connection holds the launch
        try:
            with running_alone(LAUNCH_LOCK, campaign.pk) as mine:
                assert mine
                holding.set()
                release.wait(30)
        finally:
            close_old_connections()
            connection.close()

    thread = threading.Thread(target=run_elsewhere)
    thread.start()
    try:
        assert holding.wait(30)
        assert resume_stalled_launches() == 0
        assert services.campaign_run_launch(campaign_id=campaign.pk) == 0
        assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.LAUNCHING
    finally:
        release.set()
        thread.join(30)
    assert resume_stalled_launches() == 1
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.LAUNCHED
