"""Campaign pages: who sees what (forged ids are 404), confirming, HR pages, the manager's team."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from policies.campaigns import services
from policies.campaigns.models import AcknowledgementRequest, Campaign, ManagerFollowUp
from policies.models import Acknowledgement
from portal.notifications.models import Notification

from .factories import make_campaign

pytestmark = pytest.mark.django_db


def request_of(campaign, profile):
    return AcknowledgementRequest.objects.get(campaign=campaign, profile=profile)


# --- The person's own requests -------------------------------------------------------------------------


def test_person_reads_and_confirms(org, launched, login, version):
    client = login(org.user("alice"))
    req = request_of(launched, org.alice)
    page = client.get(reverse("campaigns:request", args=[req.pk]))
    assert page.status_code == 200
    assert version.text_hash() in page.content.decode()
    assert 'name="attestation"' in page.content.decode()
    response = client.post(
        reverse("campaigns:request", args=[req.pk]), {"attestation": "on", "text_hash": version.text_hash()}
    )
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.satisfied_at is not None
    ack = Acknowledgement.objects.get(user=org.user("alice"), version=version)
    assert ack.text_hash == version.text_hash()
    assert "J'atteste avoir lu la politique" in ack.attestation
    done = client.get(reverse("campaigns:request", args=[req.pk])).content.decode()
    assert ack.text_hash in done and 'name="attestation"' not in done


def test_confirming_without_the_checkbox_changes_nothing(org, launched, login, version):
    client = login(org.user("alice"))
    url = reverse("campaigns:request", args=[request_of(launched, org.alice).pk])
    response = client.post(url, {"text_hash": version.text_hash()})
    assert response.status_code == 200
    assert "Cochez l&#x27;attestation" in response.content.decode()
    stale = client.post(url, {"attestation": "on", "text_hash": "f" * 64})
    assert stale.status_code == 200
    assert "a changé depuis votre lecture" in stale.content.decode()
    assert not Acknowledgement.objects.exists()


def test_forged_request_id_is_404(org, launched, login, version):
    client = login(org.user("oscar"))
    alice_request = request_of(launched, org.alice)
    assert client.get(reverse("campaigns:request", args=[alice_request.pk])).status_code == 404
    response = client.post(
        reverse("campaigns:request", args=[alice_request.pk]),
        {"attestation": "on", "text_hash": version.text_hash()},
    )
    assert response.status_code == 404
    assert client.get(reverse("campaigns:request", args=[999999])).status_code == 404
    assert not Acknowledgement.objects.exists()
    # Even alice's manager and HR cannot confirm in her name.
    for name in ("bob", "harry"):
        assert (
            login(org.user(name)).get(reverse("campaigns:request", args=[alice_request.pk])).status_code
            == 404
        )


def test_notification_link_opens_the_own_request(org, launched, login):
    link = reverse("campaigns:my_request", args=[launched.pk])
    response = login(org.user("alice")).get(link)
    assert response.status_code == 302
    assert response["Location"] == reverse("campaigns:request", args=[request_of(launched, org.alice).pk])
    campaign = make_campaign(launched.version)  # a draft: nobody has a request in it
    assert (
        login(org.user("alice")).get(reverse("campaigns:my_request", args=[campaign.pk])).status_code == 404
    )


def test_my_requests_and_home_panel(org, launched, login):
    client = login(org.user("alice"))
    mine = client.get(reverse("campaigns:mine"))
    assert mine.status_code == 200
    assert reverse("campaigns:request", args=[request_of(launched, org.alice).pk]) in mine.content.decode()
    home = client.get(reverse("home")).content.decode()
    assert "Prise de connaissance à confirmer" in home


def test_no_portal_url_edits_or_deletes_an_acknowledgement():
    from django.urls import get_resolver

    def walk(patterns, prefix=""):
        for entry in patterns:
            if hasattr(entry, "url_patterns"):
                if "admin" in str(entry.pattern):
                    continue
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            else:
                yield prefix + str(entry.pattern), entry.callback

    for route, callback in walk(get_resolver().url_patterns):
        module = getattr(callback, "__module__", "")
        if module.startswith("policies.campaigns"):
            assert not any(word in route for word in ("supprim", "modifi", "delete", "edit")), route


def test_admin_shows_acknowledgements_read_only(org, launched, version, client):
    from django.contrib import admin

    ack = services.acknowledgement_record(user=org.user("alice"), version=version, attestation="Lu")
    superuser = org.user("harry")
    superuser.is_staff = superuser.is_superuser = True
    superuser.save()
    model_admin = admin.site._registry[Acknowledgement]
    request = type("R", (), {"user": superuser})()
    assert not model_admin.has_delete_permission(request, ack)
    assert not model_admin.has_change_permission(request, ack)
    assert not model_admin.has_add_permission(request)
    client.force_login(superuser, backend="portal.accounts.backends.PortalPasswordBackend")
    assert client.get(reverse("admin:policies_acknowledgement_changelist")).status_code == 200
    assert (
        client.post(
            reverse("admin:policies_acknowledgement_delete", args=[ack.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert Acknowledgement.objects.filter(pk=ack.pk).exists()


# --- HR pages ------------------------------------------------------------------------------------------


def test_hr_creates_and_launches_from_the_pages(org, version, login, django_capture_on_commit_callbacks):
    client = login(org.user("harry"))
    assert client.get(reverse("campaigns:create")).status_code == 200
    due = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    response = client.post(
        reverse("campaigns:create"),
        {
            "title": "Campagne DSP",
            "version": version.pk,
            "audience": "targeted",
            "directions": [org.care.pk],
            "due_on": due,
            "reminder_every_days": 5,
        },
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == campaign.get_absolute_url()
    assert client.get(campaign.get_absolute_url()).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("campaigns:launch", args=[campaign.pk])).status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.LAUNCHED
    assert campaign.requests.count() == 3
    fragment = client.get(reverse("campaigns:progress", args=[campaign.pk]), HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and b"hx-trigger" not in fragment.content


def test_bad_campaign_input_shows_errors_and_changes_nothing(org, version, login):
    client = login(org.user("harry"))
    response = client.post(
        reverse("campaigns:create"),
        {
            "title": "X",
            "version": version.pk,
            "audience": "targeted",
            "due_on": "2001-01-01",
            "reminder_every_days": 0,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Campaign.objects.exists()


def test_progress_fragment_polls_while_launching(org, version, login):
    campaign = make_campaign(version)
    services.campaign_launch(campaign=campaign, actor=org.user("harry"))  # task not run: still launching
    client = login(org.user("harry"))
    fragment = client.get(reverse("campaigns:progress", args=[campaign.pk]), HTTP_HX_REQUEST="true")
    assert b'hx-trigger="every 2s"' in fragment.content
    assert b"0 demandes cr" in fragment.content
    services.campaign_run_launch(campaign_id=campaign.pk)
    done = client.get(
        reverse("campaigns:progress", args=[campaign.pk]) + "?was=launching", HTTP_HX_REQUEST="true"
    )
    assert done["HX-Refresh"] == "true"


HR_ONLY = ["campaigns:detail", "campaigns:progress"]


@pytest.mark.parametrize("name", ["alice", "bob", "carol", "diane", "dora", "oscar"])
def test_hr_pages_are_404_to_everyone_else(org, launched, login, name):
    client = login(org.user(name))
    for view in HR_ONLY:
        assert client.get(reverse(view, args=[launched.pk])).status_code == 404
    for view in ("campaigns:launch", "campaigns:close"):
        assert client.post(reverse(view, args=[launched.pk])).status_code == 404
    assert client.get(reverse("campaigns:create")).status_code == 403
    launched.refresh_from_db()
    assert launched.status == Campaign.Status.LAUNCHED


@pytest.mark.parametrize("name", ["alice", "bob", "diane", "oscar", "olga"])
def test_dashboard_is_hr_and_direction_leads_only(org, launched, login, name):
    client = login(org.user(name))
    for view in ("campaigns:dashboard", "campaigns:people"):
        assert client.get(reverse(view, args=[launched.pk])).status_code == 404
    assert client.get(reverse("campaigns:export", args=[launched.pk, "csv"])).status_code == 404


def test_forged_campaign_ids_and_formats(org, launched, login):
    client = login(org.user("harry"))
    assert client.get(reverse("campaigns:dashboard", args=[launched.pk + 100])).status_code == 404
    assert client.get(reverse("campaigns:export", args=[launched.pk, "pdf"])).status_code == 404
    assert (
        client.get(reverse("campaigns:people", args=[launched.pk]) + "?direction=abc&manager=-1").status_code
        == 200
    )


def test_direction_head_sees_only_their_direction(org, launched, login):
    response = login(org.user("carol")).get(reverse("campaigns:dashboard", args=[launched.pk]))
    assert response.status_code == 200
    assert response.context["summary"].total == 3
    assert [row.code for row in response.context["by_direction"]] == ["DSP"]
    people = login(org.user("carol")).get(reverse("campaigns:people", args=[launched.pk]))
    names = {row.profile.user.username for row in people.context["page_obj"]}
    assert names == {"alice", "bob", "carol"}


# --- The manager's team ---------------------------------------------------------------------------------


def test_manager_sees_only_their_direct_reports(org, launched, login):
    response = login(org.user("bob")).get(reverse("campaigns:team", args=[launched.pk]))
    assert response.status_code == 200
    assert [row.profile.user.username for row in response.context["page_obj"]] == ["alice"]
    assert "Oscar" not in response.content.decode()
    olga = login(org.user("olga")).get(reverse("campaigns:team", args=[launched.pk]))
    assert [row.profile.user.username for row in olga.context["page_obj"]] == ["oscar"]


@pytest.mark.parametrize("name", ["alice", "oscar", "harry", "diane"])
def test_team_page_is_404_to_non_managers(org, launched, login, name):
    client = login(org.user(name))
    assert client.get(reverse("campaigns:team", args=[launched.pk])).status_code == 404
    assert client.post(reverse("campaigns:team_remind", args=[launched.pk])).status_code == 404
    assert not Notification.objects.filter(kind="campaigns.reminder").exists()


def test_manager_of_another_campaign_audience_gets_404(org, version, launch, login):
    campaign = launch(make_campaign(version, audience="targeted", directions=[org.tech]), org.user("harry"))
    assert login(org.user("bob")).get(reverse("campaigns:team", args=[campaign.pk])).status_code == 404


def test_remind_my_team_button_is_rate_limited_on_the_server(org, launched, login):
    client = login(org.user("bob"))
    url = reverse("campaigns:team_remind", args=[launched.pk])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302  # refused with a message, nothing sent
    assert Notification.objects.filter(kind="campaigns.reminder", recipient=org.user("alice")).count() == 1
    assert ManagerFollowUp.objects.get(manager=org.bob).team_reminders_sent == 1
    page = client.get(reverse("campaigns:team", args=[launched.pk]))
    assert page.context["can_remind"] is False and page.context["next_reminder_at"]


def test_campaign_list_by_role(org, launched, version, login):
    make_campaign(version)  # a draft: HR only
    assert len(login(org.user("harry")).get(reverse("campaigns:list")).context["page_obj"]) == 2
    assert len(login(org.user("bob")).get(reverse("campaigns:list")).context["page_obj"]) == 1
    assert login(org.user("alice")).get(reverse("campaigns:list")).status_code == 302
