"""One-time submission keys (portal.submissions): a replay or a concurrent duplicate of a create form returns
the first result, never a second object (docs/rules.md)."""

import datetime
import re
import threading

import pytest
from django.contrib.messages import get_messages
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident, Message
from incidents.services import incident_request_information
from policies.campaigns.models import Campaign
from portal.models import Submission
from portal.submissions import submissions_purge
from tests.campaigns.factories import VersionFactory, make_campaign
from tests.incidents.factories import declare

ALREADY = "Ce formulaire avait déjà été envoyé"


def declaration(**extra) -> dict:
    return {
        "description": "Photo d'un dossier",
        "platform": "x",
        "links": "https://x.example/status/1",
        "seen_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "category": "confidential",
        "still_online": "yes",
        "concerned_kind": "institution",
        "route_choice": "normal",
        **extra,
    }


def key_of(page: str) -> str:
    return re.search(r'name="submission_key" value="([^"]+)"', page).group(1)


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_resent_declaration_shows_the_first_confirmation(org, login):
    client = login(org.user("alice"))
    key = key_of(client.get(reverse("incidents:declare")).content.decode())
    first = client.post(reverse("incidents:declare"), declaration(submission_key=key))
    second = client.post(reverse("incidents:declare"), declaration(submission_key=key))
    incident = Incident.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("incidents:confirmation", args=[incident.pk])
    assert any(ALREADY in text for text in texts(second))
    # A new page gives a new key: a second, deliberate declaration is a second incident.
    other = key_of(client.get(reverse("incidents:declare")).content.decode())
    assert other != key
    client.post(reverse("incidents:declare"), declaration(submission_key=other))
    assert Incident.objects.count() == 2


def test_a_refused_submission_keeps_no_key_and_the_corrected_form_goes_through(org, login):
    client = login(org.user("alice"))
    key = key_of(client.get(reverse("incidents:declare")).content.decode())
    refused = client.post(
        reverse("incidents:declare"), declaration(submission_key=key, route_choice="dcai", route_reason="  ")
    )
    assert refused.status_code == 400 and not Incident.objects.exists() and not Submission.objects.exists()
    fixed = client.post(
        reverse("incidents:declare"), declaration(submission_key=key, route_choice="dcai", route_reason="Urgent")
    )
    assert fixed.status_code == 302 and Incident.objects.count() == 1


def test_the_same_body_without_a_key_twice_is_one_incident_for_a_while(org, login, settings):
    client = login(org.user("alice"))
    first = client.post(reverse("incidents:declare"), declaration())
    second = client.post(reverse("incidents:declare"), declaration())
    assert first["Location"] == second["Location"] and Incident.objects.count() == 1
    Submission.objects.update(created_at=timezone.now() - datetime.timedelta(seconds=300))
    client.post(reverse("incidents:declare"), declaration())  # the same text later: a new declaration
    assert Incident.objects.count() == 2


def test_keys_belong_to_one_person(org, login):
    key = "k" * 32
    login(org.user("alice")).post(reverse("incidents:declare"), declaration(submission_key=key))
    login(org.user("oscar")).post(reverse("incidents:declare"), declaration(submission_key=key))
    assert Incident.objects.count() == 2


def test_an_answer_with_evidence_sent_twice_is_recorded_once(org, login):
    incident = declare(org.user("alice"))
    incident_request_information(incident=incident, actor=org.user("bob"), question="Quel compte ?")
    client = login(org.user("alice"))
    page = client.get(incident.get_absolute_url()).content.decode()
    key = key_of(page)
    url = reverse("incidents:answer_information", args=[incident.pk])
    assert client.post(url, {"answer": "Le compte @x", "submission_key": key}).status_code == 302
    again = client.post(url, {"answer": "Le compte @x", "submission_key": key})
    assert again.status_code == 302 and again["Location"] == incident.get_absolute_url()
    assert Message.objects.filter(incident=incident, kind=Message.Kind.ANSWER).count() == 1


def test_a_double_click_on_launch_launches_once_and_says_so(org, login):
    campaign = make_campaign(VersionFactory())
    client = login(org.user("harry"))
    key = key_of(client.get(campaign.get_absolute_url()).content.decode())
    url = reverse("campaigns:launch", args=[campaign.pk])
    client.post(url, {"submission_key": key})
    second = client.post(url, {"submission_key": key})
    assert second.status_code == 302
    assert any(ALREADY in text for text in texts(second))
    assert not any("déjà lancée" in text for text in texts(second))
    assert Campaign.objects.get(pk=campaign.pk).events.filter(to_status="launching").count() == 1


def test_old_keys_are_purged(org):
    Submission.objects.create(owner="user:1", key="a" * 32, path="/x/", result_url="/y/")
    Submission.objects.update(created_at=timezone.now() - datetime.timedelta(days=8))
    Submission.objects.create(owner="user:1", key="b" * 32, path="/x/", result_url="/y/")
    assert submissions_purge() == 1
    assert list(Submission.objects.values_list("key", flat=True)) == ["b" * 32]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("with_key", [True, False])
def test_two_concurrent_posts_of_one_declaration_make_one_incident(org, with_key):
    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL (SQLite serialises writers)")
    data = declaration(submission_key="c" * 32) if with_key else declaration()
    barrier = threading.Barrier(2)
    answers: list = []

    def post() -> None:
        client = Client()
        client.force_login(org.user("alice"), backend="portal.accounts.backends.PortalPasswordBackend")
        try:
            barrier.wait()
            answers.append(client.post(reverse("incidents:declare"), data))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    incident = Incident.objects.get()
    assert [a.status_code for a in answers] == [302, 302]
    assert {a["Location"] for a in answers} == {reverse("incidents:confirmation", args=[incident.pk])}
