"""Disclosure authorisations (§6.2) and consents (§6.1): the services."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from portal.notifications.models import Notification
from publishing.models import AuthorisationEvent, AuthorisationRequest, Consent, TakedownLink
from publishing.services import (
    AuthorisationData,
    authorisation_answer,
    authorisation_ask,
    authorisation_authorise,
    authorisation_refuse,
    authorisation_request,
    consent_withdraw,
    publication_record,
    takedown_link,
)

from .conftest import ask, record_consent

pytestmark = pytest.mark.django_db
SOON = timezone.localdate() + datetime.timedelta(days=20)


def kinds_for(user):
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


@pytest.mark.parametrize("decider_name", ["diane", "gerard"])
def test_request_question_answer_decision_at_each_decider(
    org, gerard, decider_name, django_capture_on_commit_callbacks
):
    decider = gerard if decider_name == "gerard" else org.user("diane")
    alice = org.user("alice")
    with django_capture_on_commit_callbacks(execute=True):
        request = ask(alice)
    assert re.fullmatch(rf"AUT-{timezone.localdate().year}-\d{{5}}", request.reference)
    assert "publishing.authorisation_submitted" in kinds_for(decider)

    authorisation_ask(request=request, actor=decider, question="Quelle unité exactement ?")
    request.refresh_from_db()
    assert request.status == "question" and kinds_for(alice) == ["publishing.authorisation_question"]
    with pytest.raises(ValidationError):  # no decision while the question waits
        authorisation_authorise(request=request, actor=decider, valid_until=SOON)

    authorisation_answer(request=request, actor=alice, answer="L'unité 7B seulement.")
    request.refresh_from_db()
    assert request.status == "pending" and "publishing.authorisation_answered" in kinds_for(decider)

    authorisation_authorise(request=request, actor=decider, valid_until=SOON, conditions="Sans nom de patient")
    request.refresh_from_db()
    assert (request.status, request.valid_until, request.decided_as) == (
        "authorised",
        SOON,
        "dcai" if decider_name == "diane" else "general",
    )
    actions = list(request.events.values_list("action", flat=True))
    assert actions == ["submitted", "question", "answer", "authorised"]
    assert "publishing.authorisation_authorised" in kinds_for(alice)


def test_refusal_needs_a_reason_and_tells_the_requester(org):
    request = ask(org.user("alice"))
    with pytest.raises(ValidationError):
        authorisation_refuse(request=request, actor=org.user("diane"), reason="  ")
    request.refresh_from_db()
    assert request.status == "pending" and request.events.count() == 1
    authorisation_refuse(request=request, actor=org.user("diane"), reason="Information nominative")
    request.refresh_from_db()
    assert (request.status, request.refusal_reason) == ("refused", "Information nominative")
    assert "publishing.authorisation_refused" in kinds_for(org.user("alice"))


def test_nothing_is_edited_after_a_decision_a_change_is_a_new_request(org):
    alice, diane = org.user("alice"), org.user("diane")
    first = ask(alice)
    authorisation_authorise(request=first, actor=diane, valid_until=SOON)
    for call in (
        lambda: authorisation_refuse(request=first, actor=diane, reason="Changé d'avis"),
        lambda: authorisation_ask(request=first, actor=diane, question="Encore ?"),
        lambda: authorisation_authorise(request=first, actor=diane, valid_until=SOON + datetime.timedelta(days=5)),
        lambda: authorisation_answer(request=first, actor=alice, answer="Rien"),
    ):
        with pytest.raises(ValidationError):
            call()
    first.refresh_from_db()
    assert (first.status, first.valid_until, first.events.count()) == ("authorised", SOON, 2)
    change = authorisation_request(
        requester=alice,
        data=AuthorisationData(
            subject="Autre chiffre", medium="LinkedIn", audience="Public", purpose="Mise à jour", wanted_until=SOON
        ),
        replaces=first,
    )
    assert change.replaces == first and change.status == "pending" and change.reference != first.reference
    with pytest.raises(PermissionDenied):  # only the requester replaces their request
        authorisation_request(
            requester=org.user("bob"),
            data=AuthorisationData(subject="x", medium="x", audience="x", purpose="x", wanted_until=SOON),
            replaces=first,
        )


def test_the_manager_is_informed_of_the_decision_never_of_the_content(org, django_capture_on_commit_callbacks):
    request = ask(org.user("alice"))
    with django_capture_on_commit_callbacks(execute=True):
        authorisation_authorise(request=request, actor=org.user("diane"), valid_until=SOON, conditions="Conditions X")
    bob = org.user("bob")
    notes = Notification.objects.filter(recipient=bob)
    assert [n.kind for n in notes] == ["publishing.team_authorisation_authorised"]
    assert notes[0].reference == request.reference and "/publication/" not in notes[0].link
    sent = [m for m in mail.outbox if bob.email in m.to]
    assert len(sent) == 1
    for text in [sent[0].subject, sent[0].body, sent[0].alternatives[0][0]]:
        for secret in (request.subject, request.medium, request.purpose, request.draft_text, "Conditions X"):
            assert secret not in text
    assert AuthorisationRequest.objects.filter(pk=request.pk).exists()


def test_only_deciders_decide_and_never_their_own_request(org, gerard):
    request = ask(org.user("alice"))
    for outsider in ("bob", "carol", "harry", "oscar"):
        with pytest.raises(PermissionDenied):
            authorisation_authorise(request=request, actor=org.user(outsider), valid_until=SOON)
    own = ask(org.user("diane"))
    with pytest.raises(PermissionDenied):
        authorisation_authorise(request=own, actor=org.user("diane"), valid_until=SOON)
    authorisation_authorise(request=own, actor=org.user("dora"), valid_until=SOON)
    assert AuthorisationEvent.objects.filter(request=request).count() == 1


def test_an_authorisation_needs_an_end_date(org):
    request = ask(org.user("alice"))
    with pytest.raises(ValidationError) as error:
        authorisation_authorise(request=request, actor=org.user("diane"), valid_until=None)
    assert "valid_until" in error.value.error_dict
    request.refresh_from_db()
    assert request.status == "pending"


# --- Consents -------------------------------------------------------------------------------------------


def test_consent_recorded_linked_withdrawn_notifies_each_authorized_user_once(
    org, accounts, django_capture_on_commit_callbacks
):
    from tests.publishing.conftest import designate

    designate(org.bob, accounts.care)  # bob runs the account through two designations: told once
    consent = record_consent(org.user("carol"), accounts.care)
    publication = publication_record(
        actor=org.user("bob"),
        account=accounts.care,
        title="Portrait de l'équipe",
        published_on=timezone.localdate(),
        consents=[consent],
    )
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(consent=consent, actor=org.user("diane"), withdrawn_on=timezone.localdate(), channel="phone")
    consent.refresh_from_db()
    assert consent.status == Consent.Status.WITHDRAWN and consent.withdrawal_channel == "phone"
    told = Notification.objects.filter(kind="publishing.consent_withdrawn")
    assert sorted(told.values_list("recipient__username", flat=True)) == ["bob", "carol"]
    assert all(n.urgent for n in told)
    assert not told.filter(recipient=org.user("oscar")).exists()
    assert list(publication.consents.values_list("status", flat=True)) == ["withdrawn"]
    for message in mail.outbox:
        assert "Madeleine" not in message.body and "Madeleine" not in message.subject
    with pytest.raises(ValidationError):  # once withdrawn, nothing more
        consent_withdraw(consent=consent, actor=org.user("diane"), withdrawn_on=timezone.localdate(), channel="phone")


def test_an_authorized_user_records_only_for_the_accounts_they_run(org, accounts):
    with pytest.raises(ValidationError):
        record_consent(org.user("bob"), accounts.tech)
    with pytest.raises(PermissionDenied):
        record_consent(org.user("alice"), accounts.care)
    assert not Consent.objects.exists()
    assert record_consent(org.user("diane"), accounts.tech).recorded_by == org.user("diane")


def test_a_staff_member_is_picked_from_the_organisation_and_withdraws_their_own(org, accounts):
    consent = record_consent(
        org.user("bob"), accounts.care, person_kind="staff", staff_profile=org.alice, person_name="ignored"
    )
    assert consent.person_name == org.alice.full_name
    with pytest.raises(ValidationError):
        record_consent(org.user("bob"), accounts.care, person_kind="staff", staff_profile=None)
    with pytest.raises(PermissionDenied):
        consent_withdraw(consent=consent, actor=org.user("harry"), withdrawn_on=timezone.localdate(), channel="email")
    consent_withdraw(consent=consent, actor=org.user("alice"), withdrawn_on=timezone.localdate(), channel="portal")
    consent.refresh_from_db()
    assert consent.withdrawn_by == org.user("alice")


def test_bad_consent_input_changes_nothing(org, accounts):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        record_consent(
            org.user("bob"), accounts.care, covers=set(), person_name="", valid_until=today - datetime.timedelta(days=1)
        )
    assert {"covers", "person_name", "valid_until"} <= set(error.value.error_dict)
    assert not Consent.objects.exists()


def test_dcai_links_a_takedown_once(org, accounts):
    from incidents.models import Takedown
    from tests.incidents.factories import declare

    incident = declare(org.user("alice"))
    takedown = Takedown.objects.create(
        incident=incident, requested_to="platform", requested_at=timezone.now(), recorded_by=org.user("diane")
    )
    consent = record_consent(org.user("diane"), accounts.care)
    with pytest.raises(PermissionDenied):
        takedown_link(actor=org.user("bob"), takedown=takedown, consent=consent)
    takedown_link(actor=org.user("diane"), takedown=takedown, consent=consent)
    with pytest.raises(ValidationError):
        takedown_link(actor=org.user("diane"), takedown=takedown, consent=consent)
    assert TakedownLink.objects.count() == 1
