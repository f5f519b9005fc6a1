"""The campaign list shows each person the figures of their own scope, never the institution's (§7.5, §7.6)."""

import pytest
from django.urls import reverse

from policies.campaigns import services
from tests.campaigns.factories import VersionFactory, make_campaign


@pytest.fixture
def launched(org, django_capture_on_commit_callbacks):
    campaign = make_campaign(VersionFactory(), actor=org.user("harry"))
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_launch(campaign=campaign, actor=org.user("harry"))
    return campaign


def _row(client):
    page = client.get(reverse("campaigns:list"))
    assert page.status_code == 200
    (campaign,) = page.context["page_obj"].object_list
    return campaign.confirmed, campaign.audience_size


def test_manager_sees_the_count_of_their_team_only(org, launched, login):
    # bob manages alice only; olga manages oscar only.
    assert _row(login(org.user("bob"))) == (0, 1)
    assert _row(login(org.user("olga"))) == (0, 1)


def test_direction_head_sees_the_count_of_their_direction(org, launched, login):
    # carol heads DSP: carol, bob, alice.
    assert _row(login(org.user("carol"))) == (0, 3)


def test_hr_sees_the_whole_institution(org, launched, login):
    assert _row(login(org.user("harry"))) == (0, 8)
