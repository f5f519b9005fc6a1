"""The whole journey in a real browser: declare with a screenshot → manager → direction → DCAI → declarer."""

import re

import pytest
from playwright.sync_api import expect

from incidents.models import Evidence, Incident
from tests.incidents.factories import png_bytes

pytestmark = pytest.mark.browser


def _open_incident(page, reference):
    page.goto("/incidents/file/a-traiter/")
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)


def test_declaration_travels_to_dcai_and_back_to_the_declarer(org, session_for):
    # The employee declares, on a phone-sized screen, with a screenshot.
    alice = session_for(org.user("alice"))
    alice.set_viewport_size({"width": 390, "height": 844})
    alice.goto("/incidents/declarer/")
    alice.get_by_label("Qu'avez-vous vu ?").fill("Une photo de l'unité de soins avec un dossier visible.")
    alice.get_by_label("Plateforme").select_option("instagram")
    alice.get_by_label("Lien(s) vers le contenu").fill("https://instagram.example/p/abc")
    alice.get_by_label("De quoi s'agit-il ?").select_option("confidential")
    alice.get_by_label("L'établissement").check()
    alice.get_by_label("Preuves (captures d'écran, PDF)").set_input_files(
        [{"name": "capture.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    alice.get_by_role("button", name="Envoyer la déclaration").click()
    expect(alice.get_by_role("heading", level=1)).to_contain_text("Merci")
    reference = alice.get_by_test_id("reference").inner_text()
    assert re.fullmatch(r"INC-\d{4}-\d{5}", reference)
    incident = Incident.objects.get(reference=reference)
    assert incident.level == "manager" and Evidence.objects.filter(incident=incident).count() == 1

    # The manager assesses and informs the direction.
    bob = session_for(org.user("bob"))
    _open_incident(bob, reference)
    expect(bob.get_by_role("link", name="capture.png")).to_be_visible()
    bob.get_by_label("Votre évaluation").fill("Dossier identifiable : à la direction.")
    bob.get_by_role("button", name="Transmettre").click()
    expect(bob.get_by_role("alert").or_(bob.get_by_role("status")).first).to_contain_text("transmis")

    # The direction evaluates and informs DCAI (§7.4: it never closes).
    carol = session_for(org.user("carol"))
    _open_incident(carol, reference)
    expect(carol.get_by_role("button", name="Fermer")).to_have_count(0)
    carol.get_by_label("Votre évaluation").fill("Rappel fait à l'équipe ; DCAI informée.")
    carol.get_by_role("button", name="Transmettre").click()
    expect(carol.get_by_test_id("status")).to_contain_text("DCAI")

    # DCAI closes with an outcome and the e-reputation actions taken.
    diane = session_for(org.user("diane"))
    _open_incident(diane, reference)
    diane.get_by_label("Issue").select_option("founded")
    diane.get_by_label("Retrait demandé").check()
    diane.once("dialog", lambda dialog: dialog.accept())
    diane.get_by_role("button", name="Fermer", exact=True).click()
    expect(diane.get_by_test_id("status")).to_contain_text("Fermé")

    # The declarer sees the final status.
    alice.goto("/incidents/mes-declarations/")
    row = alice.get_by_role("row", name=re.compile(reference))
    expect(row).to_contain_text("Fermé – Fondé")
    incident.refresh_from_db()
    assert (incident.level, incident.outcome, incident.takedown_requested) == ("closed", "founded", True)
