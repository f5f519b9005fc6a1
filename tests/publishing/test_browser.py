"""The journey in a real browser (§6.2): a staff member asks, DCAI asks a question, the staff member
answers, DCAI authorises, the staff member sees the reference to quote."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from publishing.models import AuthorisationRequest
from tests.browser.conftest import browser, session_for  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def test_ask_question_answer_authorise_and_see_the_reference(org, session_for):  # noqa: F811
    alice = session_for(org.user("alice"))
    alice.set_viewport_size({"width": 390, "height": 844})
    alice.goto("/publication/autorisations/nouvelle/")
    alice.get_by_label("Ce qui serait divulgué").fill("Le nombre de lits fermés à l'unité 7B")
    alice.get_by_label("Où (plateforme ou média)").fill("Radio-Canada")
    alice.get_by_label("Public visé").fill("Grand public")
    alice.get_by_label("Pourquoi").fill("Entrevue demandée par un journaliste")
    until = (timezone.localdate() + datetime.timedelta(days=15)).isoformat()
    alice.get_by_label("Jusqu'au").fill(until)
    alice.get_by_role("button", name="Envoyer la demande").click()
    reference = alice.get_by_test_id("reference").inner_text()
    assert re.fullmatch(r"AUT-\d{4}-\d{5}", reference)
    expect(alice.get_by_test_id("status")).to_contain_text("En attente")
    request = AuthorisationRequest.objects.get(reference=reference)

    diane = session_for(org.user("diane"))
    diane.goto("/publication/autorisations/")
    diane.get_by_role("link", name=reference).click()
    diane.get_by_label("Votre question").fill("Les chiffres sont-ils déjà publics ?")
    diane.get_by_role("button", name="Envoyer la question").click()
    expect(diane.get_by_test_id("status")).to_contain_text("Question")

    alice.goto(request.get_absolute_url())
    expect(alice.get_by_text("Les chiffres sont-ils déjà publics ?")).to_be_visible()
    alice.get_by_label("Votre réponse").fill("Non, seulement à l'interne.")
    alice.get_by_role("button", name="Répondre").click()
    expect(alice.get_by_test_id("status")).to_contain_text("En attente")

    diane.goto(request.get_absolute_url())
    expect(diane.get_by_text("Non, seulement à l'interne.")).to_be_visible()
    diane.get_by_label("Conditions").fill("Sans nommer de patient")
    diane.get_by_role("button", name="Autoriser la divulgation").click()
    expect(diane.get_by_test_id("status")).to_contain_text("Autorisée")

    alice.goto("/publication/autorisations/mes-demandes/")
    row = alice.get_by_role("row", name=re.compile(reference))
    expect(row).to_contain_text("Autorisée")
    row.get_by_role("link", name=reference).click()
    expect(alice.get_by_role("status").filter(has_text=reference)).to_contain_text(until)
    request.refresh_from_db()
    assert (request.status, request.decided_by) == ("authorised", org.user("diane"))
