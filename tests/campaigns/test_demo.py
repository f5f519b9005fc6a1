"""Demo campaign of `seed_demo`: launched by HR, about 60 % confirmed over two weeks, idempotent."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from policies.campaigns.demo import DEMO_TITLE, seed_campaign
from policies.campaigns.models import AcknowledgementRequest, Campaign, CampaignEvent
from policies.campaigns.selectors import completion_over_time, pending_requests_for
from policies.models import Acknowledgement
from portal.demo import seed_demo
from portal.notifications.models import Notification

User = get_user_model()


@pytest.fixture
def institution(db, settings):
    """The demo institution with policy 10 974 in force (the organisation hooks are not needed)."""
    settings.PORTAL_ON_STAFF_CREATED = []
    settings.PORTAL_DEMO_HOOKS = ["policies.demo.seed_policy"]
    seed_demo(out=io.StringIO())


def snapshot():
    return (
        Campaign.objects.count(),
        CampaignEvent.objects.count(),
        AcknowledgementRequest.objects.count(),
        AcknowledgementRequest.objects.filter(satisfied_at__isnull=False).count(),
        Acknowledgement.objects.count(),
        Notification.objects.count(),
        sorted(Acknowledgement.objects.values_list("pk", "acknowledged_at")),
    )


def test_demo_campaign_is_launched_by_hr_and_partly_confirmed(institution, django_capture_on_commit_callbacks):
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # the launch task after commit finds nothing to do
        seed_campaign(out)
    after_first = snapshot()
    second = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        seed_campaign(second)

    assert snapshot() == after_first
    assert "lancée par les RH" in out.getvalue() and "rien à faire" in second.getvalue()
    campaign = Campaign.objects.get(title=DEMO_TITLE)
    today = timezone.localdate()
    assert campaign.status == Campaign.Status.LAUNCHED
    assert campaign.launched_by.username == "rh" and campaign.audience == Campaign.Audience.INSTITUTION
    assert 19 <= (campaign.due_on - today).days <= 23
    requests = AcknowledgementRequest.objects.filter(campaign=campaign)
    total, done = requests.count(), requests.filter(satisfied_at__isnull=False).count()
    assert total > 150 and 0.55 <= done / total <= 0.65
    # Dates are in the past and agree with each other (the dashboard groups on satisfied_on).
    for request in requests.filter(satisfied_at__isnull=False).select_related("acknowledgement"):
        assert request.satisfied_at == request.acknowledgement.acknowledged_at
        assert request.satisfied_on == timezone.localdate(request.satisfied_at)
        assert campaign.launched_at <= request.satisfied_at <= timezone.now()
    # The completion chart rises over several days.
    points = completion_over_time(campaign, requests, total)
    assert len(points) >= 14 and points[0].day < today
    assert points[-1].done == done and len({p.done for p in points}) >= 8


def test_demo_employee_and_part_of_the_managers_team_have_not_confirmed(institution):
    seed_campaign(None)

    employee = User.objects.get(username="employe")
    assert pending_requests_for(employee).filter(campaign__title=DEMO_TITLE).exists()
    assert not Acknowledgement.objects.filter(user=employee).exists()
    team = AcknowledgementRequest.objects.filter(
        campaign__title=DEMO_TITLE, profile__manager__user__username="gestionnaire"
    )
    assert team.filter(satisfied_at=None).exclude(profile__user=employee).count() >= 3
    assert team.filter(satisfied_at__isnull=False).exists()


def test_without_a_version_in_force_nothing_is_done(db):
    out = io.StringIO()
    seed_campaign(out)
    assert not Campaign.objects.exists() and "rien à faire" in out.getvalue()
