"""In a real browser, under the strict CSP: the thumbnails load, and DCAI reopens a closed incident."""

import pytest
from playwright.sync_api import expect

from incidents import services
from incidents.evidence import clean_upload
from incidents.models import Incident
from tests.browser.conftest import browser, session_for  # noqa: F401 - fixtures

from .factories import declare, pdf_bytes, png_bytes, upload

pytestmark = pytest.mark.browser


def test_thumbnails_load_and_dcai_reopens(org, session_for):  # noqa: F811
    files = [
        clean_upload(upload("capture.png", png_bytes((900, 500), (30, 90, 200)), "image/png")),
        clean_upload(upload("lettre.pdf", pdf_bytes(), "application/pdf")),
    ]
    incident = declare(org.user("alice"), route_choice="dcai", route_reason="Directement.", evidence=files)
    services.incident_close(incident=incident, actor=org.user("diane"), outcome="founded", reason="Traité.")
    diane = session_for(org.user("diane"))
    problems = []
    diane.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    diane.goto(incident.get_absolute_url())
    thumbnails = diane.locator("[data-testid=evidence-item] img")
    expect(thumbnails).to_have_count(2)
    for index in range(2):
        thumbnails.nth(index).scroll_into_view_if_needed()
        expect(thumbnails.nth(index)).to_have_js_property("complete", True)
        assert thumbnails.nth(index).evaluate("img => img.naturalWidth") == 240

    diane.get_by_label("Motif de la réouverture").fill("La publication est revenue sous un autre compte.")
    diane.once("dialog", lambda dialog: dialog.accept())
    diane.get_by_role("button", name="Rouvrir").click()
    expect(diane.locator(".alert-success")).to_contain_text("L'incident est rouvert")
    assert Incident.objects.get(pk=incident.pk).status == Incident.Status.IN_PROGRESS
    assert not problems, problems
