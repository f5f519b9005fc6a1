"""The journey in a real browser: an anonymous report from the public page → DCAI asks a question → the
reporter answers with the receipt → DCAI closes → the reporter sees the final status."""

import pytest
from playwright.sync_api import expect

from incidents.models import Incident, Message
from tests.browser.conftest import CHROMIUM_ARGS, _require_chromium  # noqa: F401
from tests.incidents.factories import png_bytes

pytestmark = pytest.mark.browser


@pytest.fixture
def browser(live_server, monkeypatch):
    _require_chromium()
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def _dcai_page(browser, live_server, user, password):
    context = browser.new_context(base_url=live_server.url, locale="fr-CA")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/comptes/connexion/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    return page


def test_public_anonymous_report_followed_with_its_receipt(org, browser, live_server, password):
    # A member of the public, on a phone, without an account.
    public = browser.new_context(base_url=live_server.url, locale="fr-CA", viewport={"width": 390, "height": 844})
    public.set_default_timeout(15_000)
    reporter = public.new_page()
    reporter.goto("/signalement/")
    expect(reporter.get_by_role("heading", level=1)).to_contain_text("Signaler un contenu")
    reporter.get_by_label("Qu'avez-vous vu ?").fill("Un faux compte utilise le logo de l'hôpital.")
    reporter.get_by_label("Plateforme").select_option("instagram")
    reporter.get_by_label("Lien(s) vers le contenu").fill("https://instagram.example/faux")
    reporter.get_by_label("De quoi s'agit-il ?").select_option("impersonation")
    reporter.get_by_label("L'établissement").check()
    reporter.get_by_label("Preuves (captures d'écran, PDF)").set_input_files(
        [{"name": "faux.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    reporter.get_by_role("button", name="Envoyer le signalement").click()
    expect(reporter.get_by_role("heading", level=1)).to_contain_text("Signalement reçu")
    code = reporter.get_by_test_id("receipt-code").inner_text()
    assert len(code.replace(" ", "")) == 16
    assert not [c for c in public.cookies() if c["name"] == "sessionid"]
    incident = Incident.objects.get()
    assert (incident.source, incident.declarer_id, incident.level) == ("external", None, "dcai")

    # DCAI asks a question.
    diane = _dcai_page(browser, live_server, org.user("diane"), password)
    diane.goto(f"/incidents/{incident.pk}/")
    expect(diane.get_by_text("Signalement externe", exact=True)).to_be_visible()
    diane.get_by_label("Question au déclarant").fill("Depuis quand ce compte existe-t-il ?")
    diane.get_by_role("button", name="Envoyer la question").click()
    expect(diane.get_by_test_id("deadline-pause")).to_be_visible()

    # The reporter comes back with the receipt and answers.
    reporter.goto("/signalement/suivi/")
    reporter.get_by_label("Votre code de reçu").fill(code)
    reporter.get_by_role("button", name="Voir mon signalement").click()
    expect(reporter.get_by_text("Depuis quand ce compte existe-t-il ?")).to_be_visible()
    expect(reporter.get_by_test_id("report-status")).to_contain_text("En attente")
    reporter.get_by_label("Votre réponse").fill("Depuis la semaine dernière.")
    reporter.get_by_role("button", name="Envoyer", exact=True).click()
    expect(reporter.get_by_role("status")).to_contain_text("Merci")
    assert Message.objects.get(incident=incident, kind="answer").author_id is None

    # DCAI reads the answer and closes.
    diane.goto(f"/incidents/{incident.pk}/")
    expect(diane.get_by_text("Depuis la semaine dernière.")).to_be_visible()
    diane.get_by_label("Issue").select_option("founded")
    diane.get_by_role("checkbox", name="Aucune").check()
    diane.once("dialog", lambda dialog: dialog.accept())
    diane.get_by_role("button", name="Fermer", exact=True).click()
    expect(diane.get_by_test_id("status")).to_contain_text("Fermé")

    # The reporter sees the final status.
    reporter.goto("/signalement/suivi/")
    reporter.get_by_label("Votre code de reçu").fill(code)
    reporter.get_by_role("button", name="Voir mon signalement").click()
    expect(reporter.get_by_test_id("report-status")).to_contain_text("Fermé")
    expect(reporter.get_by_test_id("report-outcome")).to_contain_text("Fondé")
    public.close()
