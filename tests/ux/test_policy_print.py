"""Printing the policy gives its text only, across the full page width: no header, menus, table of
contents, buttons, version list or history."""

import pytest

from policies.models import PolicyVersion
from tests.browser.conftest import browser, session_for  # noqa: F401  (Chromium and signed-in pages)
from tests.policies.factories import make_version

pytestmark = pytest.mark.browser
SHOWN = """selector => [...document.querySelectorAll(selector)].some(e => getComputedStyle(e).display !== 'none'
    && e.getBoundingClientRect().width > 0)"""


def test_the_printed_policy_is_its_text_only_at_full_width(org, session_for):  # noqa: F811
    version = make_version(status=PolicyVersion.Status.IN_FORCE, sections=3)
    make_version(status=PolicyVersion.Status.SUPERSEDED, policy=version.policy, sections=1)
    page = session_for(org.user("alice"))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(version.policy.get_absolute_url())
    chrome = ["body > header", "nav[aria-labelledby=toc-title]", "section[aria-labelledby=versions]", "main .btn"]
    assert all(page.evaluate(SHOWN, selector) for selector in chrome)  # on screen, all there

    page.emulate_media(media="print")
    assert [selector for selector in chrome if page.evaluate(SHOWN, selector)] == []
    article, main = (page.locator(selector).bounding_box()["width"] for selector in ("article.policy-body", "main"))
    assert article >= main * 0.95
    assert page.get_by_role("heading", name="Section 3").is_visible()
