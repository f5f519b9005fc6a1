"""What a person sees of the hardening in a real browser: why the staff suggestions stopped, and why a
hostile evidence file was refused (the rest of the form kept)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from incidents.models import Incident
from tests.browser.conftest import browser, session_for  # noqa: F401 - fixtures

from .cache import fresh_cache_namespace  # noqa: F401 - fixture
from .hostile_files import animated_gif

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("fresh_cache_namespace")]



def test_throttled_suggestions_say_so_visibly(org, session_for, settings):  # noqa: F811
    settings.STAFF_SEARCH_RATE_PER_MINUTE = 2
    alice = session_for(org.user("alice"))
    alice.goto("/incidents/declarer/")
    alice.get_by_label("Un intervenant du CHUM").check()
    field = alice.get_by_label("Intervenant concerné")
    status = alice.locator("#concerned-staff-options-status")
    notice = alice.locator("#concerned-staff-options-notice")

    def search(text):
        with alice.expect_response(lambda response: "/intervenants/" in response.url):
            field.fill(text)
            field.dispatch_event("input")

    for text in ("osc", "oscar"):
        search(text)
        expect(status).to_contain_text("1 intervenant proposé")
    expect(notice).to_have_text("")
    search("oscar t")
    expect(notice).to_contain_text("Trop de recherches en peu de temps")
    expect(notice).to_be_visible()
    expect(status).to_contain_text("Trop de recherches")
    expect(alice.locator("#concerned-staff-options option")).to_have_count(0)


def test_a_gif_bomb_is_refused_with_a_clear_message_and_the_form_kept(org, session_for, tmp_path):  # noqa: F811
    bomb = tmp_path / "meme.gif"
    bomb.write_bytes(animated_gif(20, (3000, 3000)))
    alice = session_for(org.user("alice"))
    alice.goto("/incidents/declarer/")
    alice.get_by_label("Qu'avez-vous vu ?").fill("Un mème moqueur au sujet de l'établissement.")
    alice.get_by_label("Plateforme").select_option("facebook")
    alice.get_by_label("De quoi s'agit-il ?").select_option("reputation")
    alice.locator("input[type=file]").set_input_files(str(bomb))
    alice.get_by_role("button", name="Envoyer la déclaration").click()
    expect(alice.get_by_text("« meme.gif » est une animation trop lourde à vérifier").first).to_be_visible()
    expect(alice.get_by_label("Qu'avez-vous vu ?")).to_have_value("Un mème moqueur au sujet de l'établissement.")
    assert not Incident.objects.exists()
