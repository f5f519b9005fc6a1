"""Declaring an incident with a file using only the keyboard, with the focus visible at every step.

Tab, Shift+Tab, Enter, Space and the arrow keys only; the operating system's file chooser is the one thing
a browser test cannot drive by keyboard, so the file is handed to the focused file input directly.
"""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from incidents.models import Evidence, Incident
from tests.browser.conftest import browser, session_for  # noqa: F401  (Chromium and signed-in pages)
from tests.incidents.factories import png_bytes

pytestmark = pytest.mark.browser
MAX_PRESSES = 80
# What has the focus and whether it shows: an outline of some width, or a box-shadow (Bootstrap's ring).
FOCUS = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    return {
        tag: el.tagName.toLowerCase(), name: el.getAttribute('name'), type: el.getAttribute('type'),
        value: el.value ?? null, href: el.getAttribute('href'), checked: !!el.checked,
        text: (el.innerText || '').trim().slice(0, 60),
        visible: el !== document.body && (outline || (style.boxShadow && style.boxShadow !== 'none')),
        ring: [style.outlineStyle, style.outlineWidth, style.boxShadow].join(' '),
        pageFocused: document.hasFocus(),
    };
}"""


def focused(page) -> dict:
    """The focused element, once its focus ring has had time to show (Bootstrap animates it over 0.15 s)."""
    # Polled from Python: wait_for_function would evaluate a string in the page, which the portal's CSP
    # (no 'unsafe-eval') refuses.
    state = page.evaluate(FOCUS)
    deadline = time.monotonic() + 2
    while not state["visible"] and time.monotonic() < deadline:
        if not state["pageFocused"]:
            page.bring_to_front()  # a headless window can lose the focus: no element matches :focus then
        page.wait_for_timeout(50)
        state = page.evaluate(FOCUS)
    assert state["visible"], f"focus not visible on {state}"
    return state


def press_until(page, key: str, wanted) -> dict:
    """Press key until the focused element satisfies wanted; the focus must show after every press."""
    for _ in range(MAX_PRESSES):
        page.keyboard.press(key)
        state = focused(page)
        if wanted(state):
            return state
    raise AssertionError(f"{key} never reached the wanted element; last: {state}")


def test_an_incident_with_a_file_can_be_declared_with_the_keyboard_only(org, session_for):  # noqa: F811
    page = session_for(org.user("alice"))
    page.set_viewport_size({"width": 1280, "height": 900})

    # From the home page: the "Incidents" menu, then its "declare" entry.
    press_until(page, "Tab", lambda s: s["tag"] == "button" and s["text"] == "Incidents")
    page.keyboard.press("Enter")
    press_until(page, "ArrowDown", lambda s: (s["href"] or "").endswith("/incidents/declarer/"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    press_until(page, "Tab", lambda s: s["name"] == "description")
    page.keyboard.type("Une photo de l'unité de soins avec un dossier visible.")
    press_until(page, "Tab", lambda s: s["name"] == "platform")
    press_until(page, "ArrowDown", lambda s: s["value"] == "instagram")
    press_until(page, "Tab", lambda s: s["name"] == "links")
    page.keyboard.type("https://instagram.example/p/abc")
    press_until(page, "Tab", lambda s: s["name"] == "category")
    press_until(page, "ArrowDown", lambda s: s["value"] == "confidential")
    # Radio groups: Tab enters the group, the arrows move and select.
    press_until(page, "Tab", lambda s: s["name"] == "concerned_kind")
    page.keyboard.press("Space")
    press_until(page, "ArrowDown", lambda s: s["value"] == "institution" and s["checked"])
    press_until(page, "Tab", lambda s: s["name"] == "evidence")
    page.locator(":focus").set_input_files(
        [{"name": "capture.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    press_until(page, "Tab", lambda s: s["tag"] == "button" and s["type"] == "submit")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Merci")
    incident = Incident.objects.get(reference=page.get_by_test_id("reference").inner_text())
    assert (incident.platform, incident.category, incident.concerned_kind) == (
        "instagram",
        "confidential",
        "institution",
    )
    assert Evidence.objects.filter(incident=incident).count() == 1
