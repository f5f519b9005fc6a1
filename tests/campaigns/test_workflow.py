"""One map for a campaign's life (policies.campaigns.workflow): services refuse what it refuses, pages
offer what it allows to whoever may act, and every step leaves an event row naming its action."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.deletion import ProtectedError
from django.urls import reverse
from django.utils import timezone

from policies.campaigns import selectors, services
from policies.campaigns.models import Campaign
from policies.campaigns.workflow import CAMPAIGN_WORKFLOW, CLOSE, EDIT, LAUNCH, REMIND
from portal.notifications.models import Notification
from tests.factories import make_staff

from .factories import make_campaign

pytestmark = pytest.mark.django_db
S = Campaign.Status


def test_the_map():
    assert CAMPAIGN_WORKFLOW.actions(S.DRAFT) == {LAUNCH, CLOSE, EDIT}
    assert CAMPAIGN_WORKFLOW.actions(S.LAUNCHED) == {CLOSE, REMIND, "enrol"}
    assert CAMPAIGN_WORKFLOW.actions(S.CLOSED) == set()
    assert CAMPAIGN_WORKFLOW.next_state(S.LAUNCHING, "finish_launch") == S.LAUNCHED


def test_each_step_writes_an_event_naming_its_action(org, version, launch):
    harry = org.user("harry")
    campaign = services.campaign_create(
        actor=harry,
        version=version,
        title="T",
        audience=Campaign.Audience.INSTITUTION,
        due_on=timezone.localdate() + datetime.timedelta(days=10),
        reminder_every_days=7,
    )
    launch(campaign, harry)
    services.campaign_close(campaign=campaign, actor=harry)
    steps = list(campaign.events.values_list("action", "actor__username", "from_status", "to_status"))
    assert steps == [
        ("created", "harry", "", "draft"),
        ("launched", "harry", "draft", "launching"),
        ("launch_finished", None, "launching", "launched"),
        ("closed", "harry", "launched", "closed"),
    ]
    with pytest.raises(ValidationError) as refused:
        services.campaign_close(campaign=campaign, actor=harry)
    assert refused.value.code == "invalid_transition"
    with pytest.raises(ProtectedError):
        campaign.delete()  # a campaign's history is kept with it


def test_standing_campaign_for_new_staff_starts_with_a_creation_event(org, version):
    services.enrol_new_staff([make_staff("nora", org.tech).pk])
    standing = Campaign.objects.get(is_continuous=True)
    assert list(standing.events.values_list("action", "from_status", "to_status", "actor")) == [
        ("created", "", "launched", None)
    ]


@pytest.mark.parametrize(
    ("status", "buttons"),
    [(S.DRAFT, {LAUNCH, CLOSE, EDIT}), (S.LAUNCHING, set()), (S.LAUNCHED, {CLOSE}), (S.CLOSED, set())],
)
def test_campaign_page_offers_exactly_what_the_map_allows(org, version, login, status, buttons):
    campaign = make_campaign(version, status=status)
    page = login(org.user("harry")).get(reverse("campaigns:detail", args=[campaign.pk]))
    assert page.context["actions"] == buttons
    html = page.content.decode()
    assert (reverse("campaigns:launch", args=[campaign.pk]) in html) == (LAUNCH in buttons)
    assert (reverse("campaigns:close", args=[campaign.pk]) in html) == (CLOSE in buttons)
    assert (reverse("campaigns:edit", args=[campaign.pk]) in html) == (EDIT in buttons)


def test_only_hr_gets_campaign_actions_and_only_managers_may_remind(org, launched):
    assert selectors.campaign_actions(org.user("harry"), launched) == {CLOSE}
    assert selectors.campaign_actions(org.user("bob"), launched) == {REMIND}
    assert selectors.campaign_actions(org.user("alice"), launched) == set()
    with pytest.raises(PermissionDenied):
        services.campaign_remind_team(campaign=launched, actor=org.user("alice"))  # manages nobody


def test_reminders_stop_with_the_campaign(org, launched, login):
    services.campaign_close(campaign=launched, actor=org.user("harry"))
    with pytest.raises(ValidationError):
        services.campaign_remind_team(campaign=launched, actor=org.user("bob"))
    page = login(org.user("bob")).get(reverse("campaigns:team", args=[launched.pk]))
    assert page.context["can_remind"] is False
    assert not Notification.objects.filter(kind="campaigns.reminder").exists()


def test_team_reminder_cooldown_is_read_from_settings_at_call_time(org, launched, settings, time_machine):
    bob = org.user("bob")
    settings.CAMPAIGN_TEAM_REMINDER_HOURS = 2
    assert services.campaign_remind_team(campaign=launched, actor=bob) == 1
    time_machine.move_to(timezone.now() + datetime.timedelta(hours=1), tick=False)
    with pytest.raises(ValidationError):
        services.campaign_remind_team(campaign=launched, actor=bob)
    time_machine.move_to(timezone.now() + datetime.timedelta(hours=1, minutes=1), tick=False)
    assert services.campaign_remind_team(campaign=launched, actor=bob) == 1


def test_new_staff_delay_is_read_from_settings_at_call_time(org, version, settings):
    settings.CAMPAIGN_NEW_STAFF_DAYS = 45
    newcomer = make_staff("nils", org.tech)
    services.enrol_new_staff([newcomer.pk])
    assert newcomer.acknowledgement_requests.get().due_on == timezone.localdate() + datetime.timedelta(days=45)


def test_a_closed_campaign_no_longer_asks_for_confirmation(org, launched, login, version):
    request = launched.requests.get(profile=org.alice)
    services.campaign_close(campaign=launched, actor=org.user("harry"))
    client = login(org.user("alice"))
    url = reverse("campaigns:request", args=[request.pk])
    assert client.get(url).context["form"] is None
    response = client.post(url, {"attestation": "on", "text_hash": version.text_hash()})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.satisfied_at is None
