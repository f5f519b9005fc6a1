"""HR's drafts (§7.5): edited and deleted while drafts only, the people targeted shown before the launch
(counted by the launch's own selector), default titles in French."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from policies.campaigns import selectors, services
from policies.campaigns.forms import CampaignForm
from policies.campaigns.models import Campaign, CampaignEvent
from tests.factories import make_staff

from .factories import VersionFactory, make_campaign

OTHERS = ("alice", "bob", "carol", "diane", "oscar")


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def draft(org, version):
    return services.campaign_create(
        actor=org.user("harry"),
        version=version,
        title="Rappel de la politique",
        audience=Campaign.Audience.TARGETED,
        due_on=timezone.localdate() + datetime.timedelta(days=20),
        reminder_every_days=7,
        directions=[org.care],
    )


# --- Deleting a draft ----------------------------------------------------------------------------------


def test_hr_deletes_a_draft_with_its_history(org, draft, login):
    url = reverse("campaigns:discard", args=[draft.pk])
    page = login(org.user("harry")).get(draft.get_absolute_url()).content.decode()
    assert url in page and "Supprimer le brouillon" in page
    response = login(org.user("harry")).post(url)
    assert response.status_code == 302 and response["Location"] == reverse("campaigns:list")
    assert _messages(response) == ["Le brouillon « Rappel de la politique » est supprimé."]
    assert not Campaign.objects.filter(pk=draft.pk).exists()
    assert not CampaignEvent.objects.filter(campaign_id=draft.pk).exists()


def test_a_launched_or_closed_campaign_is_never_deleted(org, launched, login):
    harry = org.user("harry")
    url = reverse("campaigns:discard", args=[launched.pk])
    assert url not in login(harry).get(launched.get_absolute_url()).content.decode()
    response = login(harry).post(url)
    assert response.status_code == 302 and response["Location"] == launched.get_absolute_url()
    assert _messages(response) == [
        "Seul un brouillon peut être supprimé : une campagne lancée reste dans l'historique."
    ]
    services.campaign_close(campaign=launched, actor=harry)
    with pytest.raises(ValidationError):
        services.campaign_delete_draft(campaign=launched, actor=harry)
    assert Campaign.objects.filter(pk=launched.pk, status=Campaign.Status.CLOSED).exists()
    assert launched.requests.exists() and launched.events.count() == 3  # launched, finished, closed


def test_the_standing_campaign_for_new_staff_is_never_deleted(org, version):
    services.enrol_new_staff([make_staff("nora", org.tech).pk])
    standing = Campaign.objects.get(is_continuous=True)
    with pytest.raises(ValidationError):
        services.campaign_delete_draft(campaign=standing, actor=org.user("harry"))
    assert Campaign.objects.filter(pk=standing.pk).exists()


@pytest.mark.parametrize("name", OTHERS)
def test_other_roles_get_404_and_nothing_is_deleted_or_changed(org, draft, login, name):
    client = login(org.user(name))
    assert client.post(reverse("campaigns:discard", args=[draft.pk])).status_code == 404
    assert client.get(reverse("campaigns:edit", args=[draft.pk])).status_code == 404
    assert client.post(reverse("campaigns:edit", args=[draft.pk]), {"title": "x"}).status_code == 404
    draft.refresh_from_db()
    assert draft.title == "Rappel de la politique"
    with pytest.raises(PermissionDenied):
        services.campaign_delete_draft(campaign=draft, actor=org.user(name))
    assert Campaign.objects.filter(pk=draft.pk).exists()


def test_deleting_is_a_post(org, draft, login):
    assert login(org.user("harry")).get(reverse("campaigns:discard", args=[draft.pk])).status_code == 405
    assert Campaign.objects.filter(pk=draft.pk).exists()


# --- Editing a draft -----------------------------------------------------------------------------------


def test_hr_edits_its_own_draft_and_a_launched_one_is_refused_with_a_message(org, draft, launched, login):
    client = login(org.user("harry"))
    due = timezone.localdate() + datetime.timedelta(days=40)
    response = client.post(
        reverse("campaigns:edit", args=[draft.pk]),
        {
            "title": "Politique : à relire",
            "due_on": due.isoformat(),
            "reminder_every_days": 3,
            "audience": "targeted",
            "directions": [org.care.pk],
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.due_on, draft.reminder_every_days) == ("Politique : à relire", due, 3)
    assert draft.events.filter(action=CampaignEvent.Action.EDITED).count() == 1
    refused = client.post(
        reverse("campaigns:edit", args=[launched.pk]),
        {"title": "Changé", "due_on": due.isoformat(), "reminder_every_days": 3},
    )
    assert refused.status_code == 302 and refused["Location"] == launched.get_absolute_url()
    assert _messages(refused)[-1] == "Seul un brouillon peut être modifié."
    launched.refresh_from_db()
    assert launched.title == "Campagne"


def _settings(draft, **extra):
    due = timezone.localdate() + datetime.timedelta(days=40)
    return {"title": draft.title, "due_on": due.isoformat(), "reminder_every_days": 7, **extra}


def test_hr_changes_the_audience_of_its_draft_and_the_count_follows(org, draft, login):
    client = login(org.user("harry"))
    url = reverse("campaigns:edit", args=[draft.pk])
    assert client.get(url).context["form"].initial["directions"] == [org.care.pk]
    response = client.post(url, _settings(draft, audience="targeted", directions=[org.tech.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert list(draft.directions.all()) == [org.tech]
    assert "2 personnes actives visées à ce jour" in client.get(draft.get_absolute_url()).content.decode()
    client.post(url, _settings(draft, audience="institution", directions=[org.tech.pk], categories=["medecin"]))
    draft.refresh_from_db()
    assert (draft.audience, list(draft.directions.all()), draft.categories) == ("institution", [], [])
    assert selectors.draft_audience_size(draft) == 8


def test_a_targeted_audience_with_nothing_chosen_is_refused_and_nothing_changes(org, draft, login):
    response = login(org.user("harry")).post(
        reverse("campaigns:edit", args=[draft.pk]), _settings(draft, title="Autre", audience="targeted")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["audience"] == [
        "Choisissez au moins une direction ou une catégorie d'intervenants."
    ]
    draft.refresh_from_db()
    assert (draft.title, list(draft.directions.all())) == ("Rappel de la politique", [org.care])


def test_the_audience_of_a_campaign_prepared_for_a_new_version_stays(org, version, login):
    prepared = Campaign.objects.create(
        version=version,
        previous_version=VersionFactory(policy__number="65161"),
        title="Nouvelle version",
        audience=Campaign.Audience.PREVIOUS,
        due_on=timezone.localdate() + datetime.timedelta(days=9),
        reminder_every_days=7,
    )
    page = login(org.user("harry")).get(reverse("campaigns:edit", args=[prepared.pk]))
    assert "audience" not in page.context["form"].fields
    with pytest.raises(ValidationError) as refused:
        services.campaign_update_draft(
            campaign=prepared,
            actor=org.user("harry"),
            title="x",
            due_on=timezone.localdate() + datetime.timedelta(days=9),
            reminder_every_days=7,
            audience=Campaign.Audience.INSTITUTION,
        )
    assert "audience" in refused.value.error_dict
    prepared.refresh_from_db()
    assert prepared.audience == Campaign.Audience.PREVIOUS


# --- The people targeted, before the launch -------------------------------------------------------------


def test_the_people_targeted_are_counted_by_the_launchs_selector_in_one_query(
    org, draft, login, launch, django_assert_num_queries
):
    with django_assert_num_queries(1):
        size = selectors.draft_audience_size(draft)
    assert size == 3  # carol, bob, alice: the care direction
    harry = login(org.user("harry"))
    assert "3 personnes actives visées à ce jour" in harry.get(draft.get_absolute_url()).content.decode()
    assert "Lancer la campagne et aviser 3 personnes visées ?" in harry.get(draft.get_absolute_url()).content.decode()
    edit_page = harry.get(reverse("campaigns:edit", args=[draft.pk])).content.decode()
    assert "3 personnes actives visées à ce jour." in edit_page
    launched = launch(draft, org.user("harry"))
    assert launched.launch_total == size == launched.requests.count()
    assert selectors.draft_audience_size(launched) is None


def test_every_targeting_counts_in_one_query(org, version, django_assert_num_queries):
    everyone = make_campaign(version)
    by_category = make_campaign(version, audience=Campaign.Audience.TARGETED, categories=["medecin"])
    by_both = make_campaign(version, audience=Campaign.Audience.TARGETED, directions=[org.care, org.tech])
    for campaign in (everyone, by_category, by_both):
        with django_assert_num_queries(1):
            selectors.draft_audience_size(campaign)
    assert selectors.draft_audience_size(everyone) == 8  # every persona
    assert selectors.draft_audience_size(by_both) == 5  # care (3) and tech (2)


# --- Default titles -------------------------------------------------------------------------------------


def test_default_titles_are_in_french_whatever_the_language_of_the_page(org, version):
    with translation.override("en"):
        title = CampaignForm().fields["title"].initial
        services.enrol_new_staff([make_staff("nora", org.tech).pk])
    assert title.startswith("Prise de connaissance – politique ")
    assert Campaign.objects.get(is_continuous=True).title.startswith("Accueil des nouveaux intervenants – ")


# --- History line ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "line"), [("fr", "Harry Test : créée (Brouillon)"), ("en", "Harry Test: created (Draft)")]
)
def test_the_history_says_who_created_the_draft_with_each_languages_colon(org, draft, login, settings, language, line):
    client = login(org.user("harry"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = " ".join(client.get(draft.get_absolute_url()).content.decode().split())
    assert line in page and "— →" not in page
