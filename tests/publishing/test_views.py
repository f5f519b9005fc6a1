"""Pages of authorisations and consents: scoping (404), bad input, audit of reads, query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditRecord
from publishing.models import AuthorisationRequest, Consent
from publishing.services import authorisation_authorise
from tests.incidents.factories import png_bytes, upload

from .conftest import ask, record_consent

pytestmark = pytest.mark.django_db


def test_a_staff_member_asks_with_an_attachment_and_follows_the_request(org, login):
    client = login(org.user("alice"))
    response = client.post(
        reverse("publishing:authorisation_create"),
        {
            "subject": "Chiffres <script>alert(1)</script>",
            "medium": "Journal local",
            "audience": "Public",
            "purpose": "Entrevue",
            "wanted_until": (timezone.localdate() + datetime.timedelta(days=5)).isoformat(),
            "attachments": [upload("brouillon.png", png_bytes(), "image/png")],
        },
    )
    request = AuthorisationRequest.objects.get()
    assert response.status_code == 302 and response.url == request.get_absolute_url()
    page = client.get(request.get_absolute_url())
    assert request.reference in page.content.decode()
    assert "<script>alert(1)</script>" not in page.content.decode()
    attachment = request.attachments.get()
    download = client.get(attachment.get_absolute_url())
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    reads = AuditRecord.objects.filter(kind__startswith="publishing_").order_by("id")
    assert [(r.kind, r.object_type, r.actor_id) for r in reads] == [
        ("publishing_view", "publishing.authorisationrequest", request.requester_id),
        ("publishing_download", "publishing.authorisationattachment", request.requester_id),
    ]
    assert reads[0].reference == request.reference


def test_bad_input_gets_a_clear_message_and_changes_nothing(org, login):
    client = login(org.user("alice"))
    response = client.post(
        reverse("publishing:authorisation_create"),
        {
            "subject": "",
            "medium": "X",
            "audience": "Y",
            "purpose": "Z",
            "wanted_until": "2001-01-01",
            "attachments": [upload("virus.exe", b"MZ" + b"\0" * 100)],
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Rien n'a été enregistré" in body and "virus.exe" in body
    assert not AuthorisationRequest.objects.exists()


def test_an_ordinary_staff_member_sees_only_their_own_requests(org, login):
    mine, other = ask(org.user("alice")), ask(org.user("bob"))
    client = login(org.user("alice"))
    body = client.get(reverse("publishing:my_authorisations")).content.decode()
    assert mine.reference in body and other.reference not in body
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(reverse("publishing:authorisations")).status_code == 404
    assert (
        client.post(
            reverse("publishing:authorisation_authorise", args=[mine.pk]), {"valid_until": "2099-01-01"}
        ).status_code
        == 403
    )


def test_the_manager_and_outsiders_get_404_on_the_request(org, login, gerard):
    request = ask(org.user("alice"))
    for name in ("bob", "carol", "harry", "oscar"):
        assert login(org.user(name)).get(request.get_absolute_url()).status_code == 404
    assert login(gerard).get(request.get_absolute_url()).status_code == 200


def test_deciders_filter_the_list(org, login):
    one, two = ask(org.user("alice")), ask(org.user("oscar"))
    authorisation_authorise(request=two, actor=org.user("diane"), valid_until=timezone.localdate())
    client = login(org.user("diane"))
    body = client.get(reverse("publishing:authorisations"), {"status": "pending"}).content.decode()
    assert one.reference in body and two.reference not in body
    body = client.get(reverse("publishing:authorisations"), {"direction": org.tech.pk}).content.decode()
    assert two.reference in body and one.reference not in body


def test_the_deciders_list_costs_the_same_for_2_or_50_requests(org, login):
    client = login(org.user("diane"))
    for _ in range(2):
        ask(org.user("alice"))
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("publishing:authorisations")).status_code == 200
    for _ in range(48):
        ask(org.user("bob"))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("publishing:authorisations"))
    assert len(many) <= len(few)


def test_another_accounts_authorized_user_gets_404_on_a_consent(org, accounts, login):
    consent = record_consent(org.user("bob"), accounts.care)
    assert login(org.user("oscar")).get(consent.get_absolute_url()).status_code == 404
    assert login(org.user("oscar")).get(consent.forms.get().get_absolute_url()).status_code == 404
    assert login(org.user("carol")).get(consent.get_absolute_url()).status_code == 200
    listing = login(org.user("oscar")).get(reverse("publishing:consents")).content.decode()
    assert consent.reference not in listing


def test_a_staff_member_sees_and_withdraws_only_the_consents_that_concern_them(org, accounts, login):
    about_alice = record_consent(org.user("bob"), accounts.care, person_kind="staff", staff_profile=org.alice)
    other = record_consent(org.user("bob"), accounts.care)
    client = login(org.user("alice"))
    body = client.get(reverse("publishing:my_consents")).content.decode()
    assert about_alice.reference in body and other.reference not in body
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(reverse("publishing:consents")).status_code == 404
    response = client.post(
        reverse("publishing:consent_withdraw", args=[about_alice.pk]),
        {"withdrawn_on": timezone.localdate().isoformat(), "channel": "portal"},
    )
    assert response.status_code == 302
    about_alice.refresh_from_db()
    assert about_alice.status == Consent.Status.WITHDRAWN


def test_the_withdrawal_shows_on_the_linked_publication(org, accounts, login):
    consent = record_consent(org.user("bob"), accounts.care)
    client = login(org.user("bob"))
    client.post(
        reverse("publishing:consent_publication", args=[consent.pk]),
        {"account": accounts.care.pk, "title": "Portrait", "published_on": timezone.localdate().isoformat()},
    )
    assert consent.publications.count() == 1
    login(org.user("diane")).post(
        reverse("publishing:consent_withdraw", args=[consent.pk]),
        {"withdrawn_on": timezone.localdate().isoformat(), "channel": "letter"},
    )
    body = login(org.user("bob")).get(reverse("publishing:publications")).content.decode()
    assert "Portrait" in body and "Retiré le" in body


def test_dcai_searches_consents_by_person_and_sees_expiring_ones(org, accounts, login):
    soon = record_consent(
        org.user("bob"),
        accounts.care,
        person_name="Jeanne Visiteuse",
        person_kind="visitor",
        valid_until=timezone.localdate() + datetime.timedelta(days=10),
    )
    later = record_consent(
        org.user("bob"),
        accounts.care,
        person_name="Marc Journaliste",
        person_kind="media",
        valid_until=timezone.localdate() + datetime.timedelta(days=90),
    )
    client = login(org.user("diane"))
    body = client.get(reverse("publishing:consents"), {"person": "jeanne"}).content.decode()
    assert soon.reference in body and later.reference not in body and "Échéance le" in body
    body = client.get(reverse("publishing:consents"), {"expiring": "on"}).content.decode()
    assert soon.reference in body and later.reference not in body


def test_statistics_count_requests_decisions_and_withdrawals(org, accounts, login):
    request = ask(org.user("alice"))
    ask(org.user("bob"))
    authorisation_authorise(request=request, actor=org.user("diane"), valid_until=timezone.localdate())
    consent = record_consent(org.user("bob"), accounts.care)
    from publishing.services import consent_withdraw

    consent_withdraw(consent=consent, actor=org.user("bob"), withdrawn_on=timezone.localdate(), channel="email")
    response = login(org.user("diane")).get(reverse("publishing:statistics"))
    counts = response.context["counts"]
    assert (counts["requests"], counts["authorised"], counts["refused"], counts["withdrawals"]) == (2, 1, 0, 1)
    assert login(org.user("alice")).get(reverse("publishing:statistics")).status_code == 404


def test_dcai_links_a_moderation_journal_entry_and_others_cannot(org, accounts, login):
    from moderation.models import JournalEntry
    from tests.policies.factories import make_version

    entry = JournalEntry.objects.create(
        account=accounts.care,
        platform="facebook",
        action="hidden",
        moderated_on=timezone.localdate(),
        policy_version=make_version(),
        rule_number=1,
        rule_text="Respect",
        screenshot_name="moderation/x.png",
        screenshot_original_name="x.png",
        screenshot_type="image/png",
        screenshot_size=1,
        screenshot_sha256="0" * 64,
        recorded_by=org.user("diane"),
    )
    consent = record_consent(org.user("bob"), accounts.care)
    url = reverse("publishing:consent_link_journal", args=[consent.pk])
    assert login(org.user("bob")).post(url, {"entry_reference": entry.reference}).status_code == 404
    response = login(org.user("diane")).post(url, {"entry_reference": "MOD-999999"})
    assert response.status_code == 400 and not consent.journal_links.exists()
    login(org.user("diane")).post(url, {"entry_reference": entry.reference})
    assert list(consent.journal_links.values_list("entry_id", flat=True)) == [entry.pk]
    assert entry.reference in login(org.user("diane")).get(consent.get_absolute_url()).content.decode()


def test_home_shows_what_waits(org, accounts, login):
    request = ask(org.user("alice"))
    assert "1 demande attend votre décision" in login(org.user("diane")).get("/").content.decode()
    from publishing.services import authorisation_ask

    authorisation_ask(request=request, actor=org.user("diane"), question="Précisez ?")
    assert "Une question attend votre réponse" in login(org.user("alice")).get("/").content.decode()


def test_the_consent_list_costs_the_same_for_2_or_50_consents(org, accounts, login):
    client = login(org.user("bob"))
    for _ in range(2):
        record_consent(org.user("diane"), accounts.care)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("publishing:consents")).status_code == 200
    for _ in range(48):
        record_consent(org.user("diane"), accounts.care)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("publishing:consents"))
    assert len(many) <= len(few)
