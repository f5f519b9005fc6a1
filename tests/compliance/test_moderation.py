"""The moderation journal of the official accounts (annex 1; docs/rules.md, "Moderation journal")."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from incidents.evidence import clean_upload
from moderation.models import JournalEntry
from moderation.netiquette import rules_in_force
from moderation.services import journal_entry_record
from portal.audit.models import AuditRecord
from tests.incidents.factories import jpeg_with_gps, png_bytes, upload


def _record(actor, account, rule=2, **kwargs):
    return journal_entry_record(
        actor=actor,
        account=account,
        action=kwargs.pop("action", JournalEntry.Action.REMOVED),
        moderated_on=kwargs.pop("moderated_on", timezone.localdate()),
        rule_number=rule,
        screenshot=clean_upload(upload("capture.png", png_bytes(), "image/png")),
        **kwargs,
    )


def test_the_rules_are_the_annex_items_of_the_version_in_force(netiquette_version):
    version, rules = rules_in_force()
    assert version == netiquette_version
    assert [r.number for r in rules] == [1, 2, 3]
    assert rules[1].text == "Le CHUM invite les internautes à faire preuve de respect."


def test_an_authorized_user_records_for_their_account_with_the_rule_text(org, accounts, netiquette_version):
    entry = _record(org.user("bob"), accounts[0], note="Insulte envers une infirmière.")
    assert entry.rule_text == "Le CHUM invite les internautes à faire preuve de respect."
    assert entry.policy_version == netiquette_version and entry.platform == "facebook"
    with pytest.raises(PermissionDenied):
        _record(org.user("bob"), accounts[1])
    with pytest.raises(ValidationError):
        _record(org.user("bob"), accounts[0], rule=9)
    assert JournalEntry.objects.count() == 1


def test_screenshot_gets_the_evidence_hygiene(org, accounts, netiquette_version):
    cleaned = clean_upload(upload("photo.jpg", jpeg_with_gps(), "image/jpeg"))
    entry = journal_entry_record(
        actor=org.user("diane"),
        account=accounts[0],
        action="hidden",
        moderated_on=timezone.localdate(),
        rule_number=1,
        screenshot=cleaned,
    )
    assert b"GPS" not in cleaned.data and entry.screenshot_sha256 == cleaned.sha256


def test_a_correction_is_a_new_entry_pointing_to_the_old_one(org, accounts, netiquette_version):
    first = _record(org.user("bob"), accounts[0], rule=1)
    second = _record(org.user("bob"), accounts[0], rule=2, corrects=first)
    first.refresh_from_db()
    assert second.corrects == first and first.rule_number == 1
    assert JournalEntry.objects.count() == 2


def test_authorized_user_of_one_account_cannot_see_another_accounts_entry(org, accounts, netiquette_version, login):
    theirs = _record(org.user("olga"), accounts[1])
    mine = _record(org.user("bob"), accounts[0])
    client = login(org.user("bob"))
    assert client.get(reverse("moderation:entry", args=[mine.pk])).status_code == 200
    assert client.get(reverse("moderation:entry", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("moderation:screenshot", args=[theirs.pk])).status_code == 404
    listing = client.get(reverse("moderation:journal")).content.decode()
    assert mine.reference in listing and theirs.reference not in listing
    assert client.get(reverse("moderation:export")).status_code == 404  # the export is DCAI's


@pytest.mark.parametrize("name", ["alice", "harry", "oscar"])
def test_people_without_an_account_get_404(org, accounts, netiquette_version, login, name):
    entry = _record(org.user("bob"), accounts[0])
    client = login(org.user(name))
    for url in (
        reverse("moderation:journal"),
        reverse("moderation:create"),
        reverse("moderation:entry", args=[entry.pk]),
        reverse("moderation:screenshot", args=[entry.pk]),
        reverse("moderation:export"),
    ):
        assert client.get(url).status_code == 404, url


def test_dcai_sees_all_with_counts_and_an_audited_export(org, accounts, netiquette_version, login):
    _record(org.user("bob"), accounts[0], rule=2)
    _record(org.user("olga"), accounts[1], rule=2)
    _record(org.user("olga"), accounts[1], rule=3)
    client = login(org.user("diane"))
    page = client.get(reverse("moderation:journal"))
    assert page.context["counts"]["by_rule"][0] == {
        "rule_number": 2,
        "rule_text": "Le CHUM invite les internautes à faire preuve de respect.",
        "total": 2,
    }
    assert {row["account__handle"]: row["total"] for row in page.context["counts"]["by_account"]} == {
        "chum-soins": 1,
        "chum-techno": 2,
    }
    export = client.get(reverse("moderation:export"))
    content = b"".join(export.streaming_content) if export.streaming else export.content
    assert content.decode("utf-8-sig").count("MOD-") == 3
    assert AuditRecord.objects.filter(kind=AuditRecord.Kind.MODERATION_VIEW, channel="export").count() == 1


def test_the_form_records_an_entry_and_refuses_a_non_image(org, accounts, netiquette_version, login):
    client = login(org.user("bob"))
    data = {
        "account": accounts[0].pk,
        "action": "removed",
        "moderated_on": timezone.localdate().isoformat(),
        "rule_number": "3",
        "note": "",
    }
    refused = client.post(reverse("moderation:create"), {**data, "screenshot": upload("x.txt", b"hello", "text/plain")})
    assert refused.status_code == 400 and not JournalEntry.objects.exists()
    done = client.post(reverse("moderation:create"), {**data, "screenshot": upload("c.png", png_bytes(), "image/png")})
    assert done.status_code == 302
    entry = JournalEntry.objects.get()
    assert entry.rule_text == "Les commentaires anonymes seront supprimés." and entry.recorded_by == org.user("bob")


def test_nobody_edits_or_deletes_an_entry_in_the_admin(org, accounts, netiquette_version, client, django_user_model):
    entry = _record(org.user("bob"), accounts[0])
    root = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(root, backend="portal.accounts.backends.PortalPasswordBackend")
    assert client.get(reverse("admin:moderation_journalentry_delete", args=[entry.pk])).status_code == 403
    assert client.post(reverse("admin:moderation_journalentry_change", args=[entry.pk]), {}).status_code == 403
