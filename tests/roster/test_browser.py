"""The roster in a real browser: the direction designates, DCAI is blocked until the person acknowledges."""

import os

import pytest
from playwright.sync_api import expect

from portal.roster.models import Designation
from tests.browser.conftest import browser, session_for  # noqa: F401 - fixtures

from .factories import acknowledge

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("ROSTER_SCREENSHOTS", "")


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_direction_designates_and_dcai_confirms_after_acknowledgement(org, accounts, version, session_for):  # noqa: F811
    carol = session_for(org.user("carol"))
    carol.goto("/utilisateurs-autorises/designations/nouvelle/")
    # The picker suggests the direction's staff as one types; picking one fills the field.
    carol.get_by_label("Intervenant").press_sequentially("alic")
    suggestion = carol.locator("#profile-options option")
    expect(suggestion).to_have_count(1)
    carol.get_by_label("Intervenant").fill(suggestion.get_attribute("value"))
    carol.get_by_label("Facebook · CHUMontreal").check()
    carol.get_by_label("Rôle").select_option("moderator")
    carol.get_by_label("Justification").fill("Modérer les commentaires de la page de l'unité.")
    _shot(carol, "form")
    carol.get_by_role("button", name="Transmettre à la DCAI").click()
    expect(carol.get_by_role("heading", level=1)).to_contain_text("UA-")
    designation = Designation.objects.get()
    assert designation.status == "pending"

    diane = session_for(org.user("diane"))
    diane.goto("/utilisateurs-autorises/registre/?status=pending")
    _shot(diane, "roster")
    diane.get_by_role("link", name=designation.reference).click()
    expect(diane.get_by_text("pas encore pris connaissance")).to_be_visible()
    expect(diane.get_by_role("button", name="Confirmer la désignation")).to_have_count(0)
    _shot(diane, "detail-blocked")
    diane.get_by_role("button", name="Rappeler à la personne de prendre connaissance de la politique").click()
    expect(diane.get_by_role("status").or_(diane.get_by_role("alert")).first).to_contain_text("rappel")

    acknowledge(org.user("alice"), version)
    diane.reload()
    diane.get_by_role("button", name="Confirmer la désignation").click()
    expect(diane.locator("main h1 + .badge")).to_have_text("Active")
    _shot(diane, "detail-active")

    alice = session_for(org.user("alice"))
    alice.goto("/utilisateurs-autorises/mes-designations/")
    expect(alice.get_by_role("link", name="Lire la nétiquette (annexe 1)")).to_be_visible()
    expect(alice.get_by_role("cell", name="Modération")).to_be_visible()
    _shot(alice, "mine")
