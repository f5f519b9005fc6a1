"""axe-core over every page the six demo personas reach, in French and English, at 1280 and 390 px.

WCAG 2.1 A and AA rules only (colour contrast included); the expectation is no violation at all. axe-core
comes from npm (package.json) and is injected into each page by Playwright. One run per language (xdist
gives each its core), one browser context per persona; only HTML pages are checked (files and downloads are
skipped); every violation is collected and the test fails once, at the end, with a list grouped by rule.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.browser.conftest import browser  # noqa: F401  (the Chromium fixture)

from .browsing import PERSONAS, Crawl, session_cookie

# About four minutes per language on two loaded cores: `slow`, run by .ci/run.
pytestmark = [pytest.mark.browser, pytest.mark.slow]
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = (1280, 390)
AXE_RUN = """tags => axe.run(document, {
    runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
    elementRef: false, ancestry: false, xpath: false, performanceTimer: false,
})"""
# A navigation that turns into a download fails with one of these, depending on Chromium's version.
DOWNLOAD_ERRORS = ("Download is starting", "net::ERR_ABORTED")


def axe_violations(page) -> list[dict]:
    result = page.evaluate(AXE_RUN, WCAG_TAGS)
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [" ".join(n["target"]) for n in v["nodes"]][:3],
        }
        for v in result["violations"]
    ]


# WCAG 1.4.10 (reflow), for the header: every menu and the language button fit the width, nothing is cut off.
NAVBAR_FITS = """() => {
    const bar = document.querySelector('header nav .container-fluid');
    const language = document.querySelector('header button[name=language]');
    return bar.scrollWidth <= bar.clientWidth && language.getBoundingClientRect().right <= window.innerWidth;
}"""


def navbar_overflow(page) -> list[dict]:
    if page.evaluate(NAVBAR_FITS):
        return []
    return [{"rule": "navbar-reflow", "impact": "serious", "help": "The header is wider than the screen", "nodes": []}]


def open_html(page, url: str) -> bool:
    """Go to url; False when it answers with a file rather than a page."""
    try:
        response = page.goto(url)
    except Exception as error:
        if any(marker in str(error) for marker in DOWNLOAD_ERRORS):
            return False
        raise
    assert response is not None and response.status < 400, (url, response and response.status)
    return (response.headers.get("content-type") or "").startswith("text/html")


def sweep(page, url: str, where: str, found: list) -> bool:
    if not open_html(page, url):
        return False
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for v in axe_violations(page) + navbar_overflow(page):
            found.append({"page": url, "where": f"{where} {width}px", **v})
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    return True


def report(found: list[dict]) -> str:
    """One paragraph per rule: what it asks, then where (page, persona, width) and which elements."""
    by_rule: dict[str, list[dict]] = {}
    for violation in found:
        by_rule.setdefault(violation["rule"], []).append(violation)
    lines = [f"{len(found)} WCAG violation(s) on {len({v['page'] for v in found})} page(s):"]
    for rule, items in sorted(by_rule.items()):
        lines.append(f"- {rule} ({items[0]['impact']}): {items[0]['help']}")
        lines.extend(f"    {v['page']} [{v['where']}] {' | '.join(v['nodes'])}" for v in items)
    return "\n".join(lines)


@pytest.fixture
def demo(transactional_db, live_server):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run npm ci")
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return live_server


def persona_context(browser, url: str):  # noqa: F811
    context = browser.new_context(base_url=url, viewport={"width": WIDTHS[0], "height": 900}, bypass_csp=True)
    context.set_default_timeout(30_000)
    context.add_init_script(script=AXE.read_text())
    return context


@pytest.mark.parametrize("language", ["fr", "en"])
def test_no_wcag_violation_on_any_page_of_any_persona(browser, demo, language):  # noqa: F811
    found: list[dict] = []
    checked: dict[str, int] = {}
    started = time.monotonic()
    language_cookie = {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": demo.url}
    anonymous = persona_context(browser, demo.url)
    anonymous.add_cookies([language_cookie])
    assert sweep(anonymous.new_page(), "/comptes/connexion/", f"anonyme {language}", found)
    anonymous.close()
    for username in PERSONAS:
        context = persona_context(browser, demo.url)
        context.add_cookies([session_cookie(demo.url, username), language_cookie])
        page = context.new_page()
        crawl = Crawl()
        while (url := crawl.next()) is not None:
            if sweep(page, url, f"{username} {language}", found):
                checked[username] = checked.get(username, 0) + 1
                crawl.add_links(page)
        assert page.evaluate("document.documentElement.lang").startswith(language)
        context.close()
    print(f"axe ({language}): {checked} HTML pages per persona, {time.monotonic() - started:.0f} s")  # noqa: T201
    assert all(checked.get(username, 0) >= 5 for username in PERSONAS), checked
    assert not found, report(found)
