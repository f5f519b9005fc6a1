"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Skipped when /usr/bin/chromium is missing, unless PORTAL_REQUIRE_BROWSER=1 (CI), which makes it a failure.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("PORTAL_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests required but {CHROMIUM} is missing")
    pytest.skip(f"{CHROMIUM} is missing")


@pytest.fixture
def browser(live_server, monkeypatch):
    """A headless Chromium; the live server needs a transactional database (live_server provides it)."""
    _require_chromium()
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test are safe here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def session_for(browser, live_server, password):
    """session_for(user) -> a page signed in as that user (one browser context per person)."""
    contexts = []

    def _session(user):
        context = browser.new_context(
            base_url=live_server.url, locale="fr-CA", extra_http_headers={"Accept-Language": "fr-CA,fr"}
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/comptes/connexion/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.click("main button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    yield _session
    for context in contexts:
        context.close()
