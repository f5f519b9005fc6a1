"""The same file twice on one incident is refused with a message naming it, nothing written (docs/rules.md);
the same file on an incident the person cannot see is never mentioned."""

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents import services
from incidents.evidence import clean_upload
from incidents.models import Evidence, Incident, Message
from incidents.services import IncidentActionError
from portal.storage import private_storage, walk

from .factories import declare, pdf_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db


def _form(**extra):
    return {
        "description": "Capture d'une publication.",
        "platform": "x",
        "seen_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "category": "reputation",
        "still_online": "yes",
        "concerned_kind": "institution",
        "route_choice": "normal",
        **extra,
    }


def test_a_declaration_with_the_same_file_twice_is_refused_naming_both(org, login):
    client = login(org.user("alice"))
    files = [upload("avant.png", png_bytes(), "image/png"), upload("apres.png", png_bytes(), "image/png")]
    response = client.post(reverse("incidents:declare"), _form(evidence=files))
    assert response.status_code == 400
    page = response.content.decode()
    assert "« apres.png » est le même fichier que « avant.png » : joignez-le une seule fois." in page
    assert "Capture d&#x27;une publication." in page  # what was typed is kept
    assert not Incident.objects.exists() and not Evidence.objects.exists()
    assert not list(walk(private_storage()))  # no file left behind


def test_two_different_files_and_the_same_pdf_twice(org):
    pdf = pdf_bytes()
    different = [
        clean_upload(upload("a.png", png_bytes(), "image/png")),
        clean_upload(upload("b.png", png_bytes(color=(1, 2, 3)), "image/png")),
    ]
    assert declare(org.user("alice"), evidence=different).evidence.count() == 2
    # A PDF is kept as pictures of its pages: the same PDF gives the same kept copy, recognised.
    twice = [clean_upload(upload(name, pdf, "application/pdf")) for name in ("un.pdf", "deux.pdf")]
    with pytest.raises(IncidentActionError, match="« deux.pdf » est le même fichier que « un.pdf »"):
        declare(org.user("alice"), evidence=twice)


def test_an_answer_repeating_a_file_already_attached_is_refused(org, login):
    incident = declare(org.user("alice"), evidence=[clean_upload(upload("capture.png", png_bytes(), "image/png"))])
    services.incident_request_information(incident=incident, actor=org.user("bob"), question="Le lien exact ?")
    client = login(org.user("alice"))
    response = client.post(
        reverse("incidents:answer_information", args=[incident.pk]),
        {"answer": "Le voici.", "evidence": [upload("encore.png", png_bytes(), "image/png")]},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "« encore.png » est déjà jointe à ce dossier : retirez-la de votre sélection." in page
    assert "Le voici." in page  # the answer typed is kept
    incident.refresh_from_db()
    assert incident.status == Incident.Status.AWAITING_DECLARER
    assert not Message.objects.filter(kind=Message.Kind.ANSWER).exists()
    assert Evidence.objects.filter(incident=incident).count() == 1


def test_an_anonymous_reporter_adding_a_file_already_attached_is_refused(org):
    incident = declare(org.user("alice"), route_choice="dcai", route_reason="x")
    Incident.objects.filter(pk=incident.pk).update(declarer=None, source=Incident.Source.ANONYMOUS)
    incident.refresh_from_db()
    services.incident_add_evidence_unnamed(
        incident=incident, evidence=[clean_upload(upload("a.png", png_bytes(), "image/png"))]
    )
    with pytest.raises(IncidentActionError, match="déjà jointe"):
        services.incident_add_evidence_unnamed(
            incident=incident, evidence=[clean_upload(upload("b.png", png_bytes(), "image/png"))]
        )
    assert Evidence.objects.filter(incident=incident).count() == 1


def test_the_same_file_on_an_incident_the_person_cannot_see_is_never_mentioned(org, login):
    declare(org.user("alice"), evidence=[clean_upload(upload("capture.png", png_bytes(), "image/png"))])
    client = login(org.user("oscar"))
    response = client.post(
        reverse("incidents:declare"), _form(evidence=[upload("capture.png", png_bytes(), "image/png")])
    )
    assert response.status_code == 302
    theirs = Incident.objects.get(declarer=org.user("oscar"))
    assert theirs.evidence.count() == 1
    page = client.get(response["Location"], follow=True).content.decode()
    assert "déjà jointe" not in page and "même fichier" not in page
