"""Anonymous and external declarations: no declarer, routed to DCAI, answered and completed by receipt."""

import pytest
from django.core.exceptions import ValidationError

from incidents.models import Event, Evidence, Incident, Message
from incidents.services import (
    incident_add_evidence_unnamed,
    incident_answer_unnamed,
    incident_close,
    incident_declare,
    incident_request_information,
)
from intake.services import intake_declare
from tests.incidents.factories import png_bytes

pytestmark = pytest.mark.django_db


def _clean_png():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from incidents.evidence import clean_uploads

    return clean_uploads([SimpleUploadedFile("capture.png", png_bytes(), content_type="image/png")])


def test_anonymous_declaration_has_no_declarer_and_goes_to_dcai(org, declaration, notified):
    declared = intake_declare(source=Incident.Source.ANONYMOUS, **declaration(evidence=_clean_png()))
    incident = declared.incident
    assert (incident.declarer_id, incident.source, incident.level) == (None, "anonymous", "dcai")
    assert incident.direction_id is None and incident.reporter_contact == ""
    assert Event.objects.get(incident=incident, kind=Event.Kind.ROUTED).reason == "anonymous"
    assert Evidence.objects.get(incident=incident).uploaded_by_id is None
    assert notified("incidents.routed", target=incident) == {"diane", "dora"}


def test_external_declaration_keeps_only_the_contact_given(org, declaration):
    incident = intake_declare(
        source=Incident.Source.EXTERNAL, contact="Journal Le Quotidien, 514-555-0100", **declaration()
    ).incident
    assert (incident.source, incident.reporter_contact, incident.level) == (
        "external",
        "Journal Le Quotidien, 514-555-0100",
        "dcai",
    )


def test_anonymous_declaration_never_keeps_contact_details(org, declaration):
    incident = intake_declare(source=Incident.Source.ANONYMOUS, contact="moi@example.org", **declaration()).incident
    assert incident.reporter_contact == ""


def test_staff_declaration_still_needs_its_declarer(org, declaration):
    with pytest.raises(ValueError):
        incident_declare(declarer=None, **declaration())
    with pytest.raises(ValueError):
        incident_declare(declarer=org.user("alice"), source=Incident.Source.ANONYMOUS, **declaration())


def test_dcai_asks_and_the_reporter_answers_by_receipt(org, declaration, notified):
    incident = intake_declare(source=Incident.Source.ANONYMOUS, **declaration()).incident
    incident_request_information(incident=incident, actor=org.user("diane"), question="Quelle date ?")
    incident.refresh_from_db()
    assert incident.status == Incident.Status.AWAITING_DECLARER
    message = incident_answer_unnamed(incident=incident, answer="Le 3 mars.", evidence=_clean_png())
    incident.refresh_from_db()
    assert message.author_id is None and incident.status == Incident.Status.OPEN
    assert Message.objects.get(incident=incident, kind="request").answered_at is not None
    assert Evidence.objects.get(incident=incident).uploaded_by_id is None
    assert "diane" in notified("incidents.information_provided", target=incident)


def test_no_answer_without_a_question_nor_after_closure(org, declaration):
    incident = intake_declare(source=Incident.Source.ANONYMOUS, **declaration()).incident
    with pytest.raises(ValidationError):
        incident_answer_unnamed(incident=incident, answer="Spontané")
    assert not Message.objects.filter(incident=incident).exists()
    incident_close(incident=incident, actor=org.user("diane"), outcome="founded")
    with pytest.raises(ValidationError):
        incident_add_evidence_unnamed(incident=incident, evidence=_clean_png())
    assert not Evidence.objects.filter(incident=incident).exists()


def test_a_staff_declaration_cannot_be_answered_without_its_account(org, declaration):
    incident = incident_declare(declarer=org.user("alice"), **declaration())
    incident_request_information(incident=incident, actor=org.user("bob"), question="Précisez ?")
    with pytest.raises(ValidationError):
        incident_answer_unnamed(incident=incident, answer="Intrus")
    assert not Message.objects.filter(incident=incident, kind="answer").exists()


def test_evidence_can_be_added_while_open(org, declaration, notified):
    incident = intake_declare(source=Incident.Source.EXTERNAL, **declaration()).incident
    assert incident_add_evidence_unnamed(incident=incident, evidence=_clean_png()) == 1
    assert Event.objects.filter(incident=incident, kind=Event.Kind.EVIDENCE_ADDED, actor=None).count() == 1
