"""Personal-data export and requests (Quebec privacy law; docs/rules.md, "Personal information")."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident
from portal.audit.models import AuditRecord
from portal.privacy.models import PersonalDataRequest
from portal.privacy.services import request_answer, request_record
from tests.incidents.factories import declare
from tests.roster.factories import acknowledge


def _export(client, profile) -> str:
    response = client.get(reverse("privacy:export", args=[profile.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_export_holds_the_persons_data_and_nothing_about_anyone_else(org, login, netiquette_version):
    acknowledge(org.user("alice"), netiquette_version)
    acknowledge(org.user("oscar"), netiquette_version)
    declare(org.user("alice"), description="Alice a vu une publication.")
    # Alice's declaration about oscar: hers, but oscar (the person concerned) is not in her export.
    declare(
        org.user("alice"),
        description="Une photo de collègue.",
        category=Incident.Category.STAFF_INFO,
        concerned_kind="staff",
        concerned_staff=org.oscar,
    )
    declare(org.user("oscar"), description="Oscar a vu autre chose.")
    text = _export(login(org.user("diane")), org.alice)
    body = json.loads(text)
    titles = [s["title"] for s in body["sections"]]
    assert titles[:2] == ["Profil", "Désignations d'utilisateur autorisé"]
    assert "Prises de connaissance" in titles and "Déclarations d'incident faites par la personne" in titles
    assert org.alice.employee_number in text and "Alice a vu une publication." in text
    # Nobody else's data: not oscar's declaration, acknowledgement, name, username or number.
    assert "Oscar a vu autre chose." not in text
    assert org.oscar.employee_number not in text and org.oscar.user.get_full_name() not in text
    acknowledgements = next(s for s in body["sections"] if s["title"] == "Prises de connaissance")
    assert len(acknowledgements["rows"]) == 1
    assert org.oscar.user.username not in text
    row = AuditRecord.objects.get(kind=AuditRecord.Kind.PERSONAL_DATA_EXPORT)
    assert row.actor == org.user("diane") and row.reference == org.alice.employee_number


@pytest.mark.parametrize("name", ["alice", "bob", "harry", "oscar"])
def test_only_dcai_reaches_the_personal_data_pages(org, login, name):
    client = login(org.user(name))
    for url in (
        reverse("privacy:index"),
        reverse("privacy:person", args=[org.alice.pk]),
        reverse("privacy:export", args=[org.alice.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert not AuditRecord.objects.exists()


def test_a_request_is_due_in_30_days_and_answered_once(org):
    received = timezone.localdate() - datetime.timedelta(days=3)
    item = request_record(
        actor=org.user("diane"), profile=org.alice, kind="access", received_on=received, details="Copie de mon dossier."
    )
    assert item.due_on == received + datetime.timedelta(days=30)
    with pytest.raises(PermissionDenied):
        request_answer(actor=org.user("harry"), request=item, answered_on=timezone.localdate(), answer="x")
    with pytest.raises(ValidationError):
        request_answer(actor=org.user("diane"), request=item, answered_on=timezone.localdate(), answer="  ")
    request_answer(actor=org.user("diane"), request=item, answered_on=timezone.localdate(), answer="Copie transmise.")
    with pytest.raises(ValidationError):
        request_answer(actor=org.user("diane"), request=item, answered_on=timezone.localdate(), answer="Encore.")
    item.refresh_from_db()
    assert item.answer == "Copie transmise." and item.answered_by == org.user("diane")


def test_bad_request_input_changes_nothing(org, login):
    client = login(org.user("diane"))
    response = client.post(
        reverse("privacy:person", args=[org.alice.pk]),
        {"kind": "rectification", "received_on": "2999-01-01", "details": "Corriger mon nom."},
    )
    assert response.status_code == 400 and "futur" in response.content.decode()
    assert not PersonalDataRequest.objects.exists()


def test_dcai_records_a_request_and_its_answer_through_the_pages(org, login):
    client = login(org.user("diane"))
    today = timezone.localdate().isoformat()
    client.post(
        reverse("privacy:person", args=[org.alice.pk]),
        {"kind": "rectification", "received_on": today, "details": "Corriger mon nom."},
    )
    item = PersonalDataRequest.objects.get()
    assert item.due_on == timezone.localdate() + datetime.timedelta(days=30)
    client.post(reverse("privacy:answer", args=[item.pk]), {f"r{item.pk}-answered_on": today, f"r{item.pk}-answer": ""})
    item.refresh_from_db()
    assert item.answered_on is None
    client.post(
        reverse("privacy:answer", args=[item.pk]),
        {f"r{item.pk}-answered_on": today, f"r{item.pk}-answer": "Nom corrigé."},
    )
    item.refresh_from_db()
    assert item.answer == "Nom corrigé." and item.answered_by == org.user("diane")
