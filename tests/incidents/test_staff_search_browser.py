"""The staff suggestions in a real browser: htmx fills the datalist as one types, under the strict CSP."""

import pytest
from playwright.sync_api import expect

from incidents.forms import staff_choice_value
from incidents.models import Incident
from tests.browser.conftest import browser, session_for  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


def test_typing_suggests_staff_and_the_pick_is_declared(org, session_for):  # noqa: F811
    alice = session_for(org.user("alice"))
    problems = []
    alice.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    alice.on("pageerror", lambda error: problems.append(str(error)))
    alice.goto("/incidents/declarer/")
    alice.get_by_label("Qu'avez-vous vu ?").fill("Une publication moqueuse au sujet d'un collègue.")
    alice.get_by_label("Plateforme").select_option("facebook")
    alice.get_by_label("De quoi s'agit-il ?").select_option("other")
    alice.get_by_label("Un intervenant du CHUM").check()

    field = alice.get_by_label("Intervenant concerné")
    expect(field).to_have_attribute("list", "concerned-staff-options")
    field.press_sequentially("o")
    status = alice.locator("#concerned-staff-options-status")
    field.press_sequentially("sc")
    expect(status).to_have_text("1 intervenant proposé : choisissez-le dans la liste du champ.")
    option = alice.locator("#concerned-staff-options option")
    expect(option).to_have_count(1)
    expect(option).to_have_attribute("value", staff_choice_value(org.oscar))
    expect(option).to_have_text("Oscar Test — Direction des services techniques")

    field.fill("zzz")
    field.dispatch_event("input")
    expect(status).to_contain_text("Aucun intervenant actif ne correspond")
    expect(option).to_have_count(0)

    # What picking the option puts in the field.
    field.fill(staff_choice_value(org.oscar))
    alice.get_by_role("button", name="Envoyer la déclaration").click()
    expect(alice.get_by_role("heading", level=1)).to_contain_text("Merci")
    assert Incident.objects.get().concerned_staff == org.oscar
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    assert not problems, problems
