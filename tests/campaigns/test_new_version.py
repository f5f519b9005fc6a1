"""A new version in force (§7.5): HR is told and offered a campaign prepared for everyone who confirmed the
previous version; with settings.CAMPAIGN_NEW_VERSION_AUTO_LAUNCH it launches by itself."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from policies.campaigns import services
from policies.campaigns.forms import CampaignForm
from policies.campaigns.models import AcknowledgementRequest, Campaign
from policies.campaigns.selectors import audience_profiles
from policies.models import Acknowledgement, PolicyVersion
from policies.services import version_put_in_force
from portal.notifications.models import Notification

from .factories import VersionFactory

pytestmark = pytest.mark.django_db
S = PolicyVersion.Status


@pytest.fixture
def confirmed_old(org):
    """Version 1.0 in force, confirmed by alice and bob (and by oscar, who has since left)."""
    old = VersionFactory(label="1.0")
    for name in ("alice", "bob", "oscar"):
        Acknowledgement.objects.create(version=old, user=org.user(name), text_hash="h", attestation="J'atteste.")
    org.oscar.is_active = False
    org.oscar.save()
    return old


def put_new_version_in_force(org, old, django_capture_on_commit_callbacks, **fields) -> PolicyVersion:
    new = VersionFactory(label="2.0", policy=old.policy, status=S.APPROVED, effective_on=None, **fields)
    with django_capture_on_commit_callbacks(execute=True):
        version_put_in_force(version=new, actor=org.user("diane"), effective_on=datetime.date(2018, 7, 5))
    return new


def test_hr_is_offered_a_campaign_prefilled_for_everyone_who_confirmed_the_previous_version(
    org, confirmed_old, django_capture_on_commit_callbacks, login
):
    new = put_new_version_in_force(org, confirmed_old, django_capture_on_commit_callbacks)
    campaign = Campaign.objects.get(version=new)
    assert campaign.status == Campaign.Status.DRAFT
    assert (campaign.audience, campaign.previous_version) == (Campaign.Audience.PREVIOUS, confirmed_old)
    assert campaign.due_on == timezone.localdate() + datetime.timedelta(days=30)
    assert "2.0" in campaign.title
    assert set(audience_profiles(campaign).values_list("user__username", flat=True)) == {"alice", "bob"}
    assert not AcknowledgementRequest.objects.filter(campaign=campaign).exists()  # nobody asked yet
    told = Notification.objects.get(kind="campaigns.new_version_prepared")
    assert told.recipient == org.user("harry")  # HR (its staff, head and delegates); never the actor
    assert told.link == campaign.get_absolute_url()
    assert told.context == {"version": "2.0", "count": 2, "due_on": campaign.due_on.isoformat()}
    page = login(org.user("harry")).get(told.link).content.decode()
    assert "Personnes ayant confirmé la version précédente" in page and "2 personnes actives" in page
    assert reverse("campaigns:edit", args=[campaign.pk]) in page


def test_hr_adjusts_the_draft_then_launches_it(org, confirmed_old, django_capture_on_commit_callbacks, login, launch):
    new = put_new_version_in_force(org, confirmed_old, django_capture_on_commit_callbacks)
    campaign = Campaign.objects.get(version=new)
    client = login(org.user("harry"))
    url = reverse("campaigns:edit", args=[campaign.pk])
    refused = client.post(url, {"title": " ", "due_on": "2000-01-01", "reminder_every_days": "0"})
    assert refused.status_code == 200 and set(refused.context["form"].errors) >= {"title", "reminder_every_days"}
    due = timezone.localdate() + datetime.timedelta(days=45)
    done = client.post(url, {"title": "Version 2.0 : à confirmer", "due_on": due.isoformat(), "reminder_every_days": 5})
    assert done.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.title, campaign.due_on, campaign.reminder_every_days) == ("Version 2.0 : à confirmer", due, 5)
    launch(campaign, org.user("harry"))
    asked = AcknowledgementRequest.objects.filter(campaign=campaign)
    assert set(asked.values_list("profile__user__username", flat=True)) == {"alice", "bob"}
    assert set(Notification.objects.filter(kind="campaigns.request").values_list("recipient__username", flat=True)) == {
        "alice", "bob"
    }
    assert client.get(url).status_code == 302  # launched: no longer editable
    with pytest.raises(ValidationError):
        services.campaign_update_draft(
            campaign=campaign, actor=org.user("harry"), title="x", due_on=due, reminder_every_days=7
        )


def test_it_launches_by_itself_when_the_setting_says_so(
    org, confirmed_old, django_capture_on_commit_callbacks, settings
):
    settings.CAMPAIGN_NEW_VERSION_AUTO_LAUNCH = True
    new = put_new_version_in_force(org, confirmed_old, django_capture_on_commit_callbacks)
    campaign = Campaign.objects.get(version=new)
    assert campaign.status == Campaign.Status.LAUNCHED
    assert campaign.launched_by is None
    assert set(
        AcknowledgementRequest.objects.filter(campaign=campaign).values_list("profile__user__username", flat=True)
    ) == {"alice", "bob"}
    assert Notification.objects.filter(kind="campaigns.new_version_launched", recipient=org.user("harry")).exists()
    assert not Notification.objects.filter(kind="campaigns.new_version_prepared").exists()


def test_nothing_is_prepared_for_a_first_version_or_one_without_acknowledgement(
    org, confirmed_old, django_capture_on_commit_callbacks
):
    first = VersionFactory(label="9.0", status=S.APPROVED, effective_on=None, policy__number="65160")
    version_put_in_force(version=first, actor=org.user("diane"), effective_on=datetime.date(2018, 7, 5))
    put_new_version_in_force(org, confirmed_old, django_capture_on_commit_callbacks, requires_acknowledgement=False)
    assert not Campaign.objects.filter(audience=Campaign.Audience.PREVIOUS).exists()


def test_hr_cannot_build_a_previous_version_campaign_by_hand(org, confirmed_old):
    assert Campaign.Audience.PREVIOUS not in dict(CampaignForm().fields["audience"].choices)
    with pytest.raises(ValidationError) as refused:
        services.campaign_create(
            actor=org.user("harry"),
            version=confirmed_old,
            title="x",
            audience=Campaign.Audience.PREVIOUS,
            due_on=timezone.localdate() + datetime.timedelta(days=9),
            reminder_every_days=7,
        )
    assert "audience" in refused.value.error_dict


def test_only_hr_edits_a_draft(org, confirmed_old, django_capture_on_commit_callbacks, login):
    new = put_new_version_in_force(org, confirmed_old, django_capture_on_commit_callbacks)
    url = reverse("campaigns:edit", args=[Campaign.objects.get(version=new).pk])
    for name in ("alice", "bob", "carol", "diane", "oscar"):
        assert login(org.user(name)).get(url).status_code == 404
