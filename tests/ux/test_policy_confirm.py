"""§7.5: at the end of the policy, a person asked to confirm it finds the button to do so; nobody else does."""

from django.urls import reverse

from policies.campaigns import services
from policies.campaigns.models import AcknowledgementRequest
from tests.campaigns.factories import VersionFactory, make_campaign

BUTTON = "Confirmer ma prise de connaissance"


def _launched(org, django_capture_on_commit_callbacks):
    version = VersionFactory()
    campaign = make_campaign(version, actor=org.user("harry"))
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_launch(campaign=campaign, actor=org.user("harry"))
    return version


def test_the_policy_page_ends_with_the_confirm_button_for_an_open_request(
    org, login, django_capture_on_commit_callbacks
):
    version = _launched(org, django_capture_on_commit_callbacks)
    alice = org.user("alice")
    ack_request = AcknowledgementRequest.objects.get(profile__user=alice)
    page = login(alice).get(version.policy.get_absolute_url()).content.decode()
    link = f'href="{reverse("campaigns:request", args=[ack_request.pk])}"'
    assert BUTTON in page and link in page
    assert page.index(link) > page.index(version.sections.last().title)  # after the text, not before it


def test_no_button_once_confirmed_or_without_a_request(org, login, django_capture_on_commit_callbacks):
    version = _launched(org, django_capture_on_commit_callbacks)
    alice, bob = org.user("alice"), org.user("bob")
    with django_capture_on_commit_callbacks(execute=True):
        services.acknowledgement_record(user=alice, version=version, attestation="Lu et compris.")
    AcknowledgementRequest.objects.filter(profile__user=bob).delete()
    for person in (alice, bob):
        assert BUTTON not in login(person).get(version.policy.get_absolute_url()).content.decode()
