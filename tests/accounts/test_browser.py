"""The OpenID Connect sign-in in a real browser: portal → provider → back, signed in as the right person,
then signed out of both. The provider is the real one of tests/oidc_provider, in its own process.

With PORTAL_SHOTS=<folder>, the sign-in pages are also photographed at phone and desktop widths in French
and English (for a person to look at them; nothing is compared).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from portal.accounts.models import SignInEvent
from tests.browser.conftest import browser  # noqa: F401  (the Chromium fixture)

pytestmark = pytest.mark.browser
PASSWORD = "provider-password"
SHOTS = os.environ.get("PORTAL_SHOTS", "")


@pytest.fixture
def portal_with_provider(org, oidc_provider, live_server, settings):
    for name, number in (("alice", "100001"), ("oscar", "100002")):
        profile = getattr(org, name)
        profile.employee_number = number
        profile.save(update_fields=["employee_number"])
    oidc_provider.client(
        redirect_uris=[f"{live_server.url}/comptes/oidc/retour/"],
        post_logout_redirect_uris=[f"{live_server.url}/comptes/deconnecte/"],
    )
    oidc_provider.person("100001", PASSWORD)
    oidc_provider.person("100999", PASSWORD)
    for key, value in oidc_provider.settings().items():
        setattr(settings, key, value)
    return oidc_provider


def new_page(browser, live_server, width=1280, locale="fr-CA"):  # noqa: F811
    context = browser.new_context(
        base_url=live_server.url, locale=locale, viewport={"width": width, "height": 900}
    )
    context.set_default_timeout(15_000)
    return context, context.new_page()


def test_sign_in_with_the_hospital_account_then_sign_out_of_both(portal_with_provider, browser, live_server):  # noqa: F811
    provider = portal_with_provider
    context, page = new_page(browser, live_server, width=390)
    try:
        page.goto("/incidents/mes-declarations/")
        expect(page).to_have_url(f"{live_server.url}/comptes/connexion/?next=/incidents/mes-declarations/")
        page.get_by_role("link", name="Se connecter avec le compte de l'établissement").click()
        page.wait_for_url(f"{provider.url}/login/**")
        page.fill("#id_username", "100001")
        page.fill("#id_password", PASSWORD)
        page.click("#provider-sign-in")
        page.wait_for_url(f"{live_server.url}/incidents/mes-declarations/")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert SignInEvent.objects.get(kind="sign_in").user.username == "alice"

        page.get_by_role("button", name="Afficher le menu").click()
        # On a busy machine the menu may still be unfolding: the person's menu opens once it has.
        expect(page.locator("#main-nav.collapse.show")).to_be_visible()
        person_menu = page.get_by_role("button", name="Alice Test")
        person_menu.click()
        expect(person_menu).to_have_attribute("aria-expanded", "true")
        page.get_by_role("button", name="Se déconnecter").click()
        page.wait_for_url(f"{live_server.url}/comptes/deconnecte/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Vous êtes déconnecté")
        # Signed out at the provider too: signing in again asks for the password.
        page.goto("/comptes/connexion/")
        page.get_by_role("link", name="Se connecter avec le compte de l'établissement").click()
        page.wait_for_url(f"{provider.url}/login/**")
    finally:
        context.close()
    assert SignInEvent.objects.filter(kind="sign_out", method="oidc").count() == 1


def test_an_unknown_person_sees_why_in_the_browser(portal_with_provider, browser, live_server):  # noqa: F811
    provider = portal_with_provider
    context, page = new_page(browser, live_server)
    try:
        page.goto("/comptes/connexion/")
        page.get_by_role("link", name="Se connecter avec le compte de l'établissement").click()
        page.wait_for_url(f"{provider.url}/login/**")
        page.fill("#id_username", "100999")
        page.fill("#id_password", PASSWORD)
        page.click("#provider-sign-in")
        page.wait_for_url(f"{live_server.url}/comptes/refus/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Votre compte n'est pas encore dans le portail")
    finally:
        context.close()


@pytest.mark.skipif(not SHOTS, reason="PORTAL_SHOTS is not set")
def test_photograph_the_sign_in_pages(portal_with_provider, browser, live_server, org, settings):  # noqa: F811
    folder = Path(SHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    admin_user = org.user("diane")
    for language, locale in (("fr", "fr-CA"), ("en", "en-CA")):
        for width in (390, 1280):
            context, page = new_page(browser, live_server, width=width, locale=locale)
            try:
                if language == "en":
                    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
                for mode in ("admins", "all"):
                    settings.AUTH_LOCAL_LOGIN = mode
                    page.goto("/comptes/connexion/")
                    page.locator("summary").click()
                    page.screenshot(path=folder / f"login-oidc-{mode}-{language}-{width}.png", full_page=True)
                settings.OIDC_ISSUER = ""
                settings.OIDC_CLIENT_ID = ""
                settings.AUTH_LOCAL_LOGIN = ""
                page.goto("/comptes/connexion/")
                page.fill("input[name=username]", "alice")
                page.fill("input[name=password]", "wrong")
                page.get_by_role("button", name="Se connecter" if language == "fr" else "Sign in").click()
                page.screenshot(path=folder / f"login-local-error-{language}-{width}.png", full_page=True)
                page.fill("input[name=password]", "wrong")
                page.get_by_role("button", name="Se connecter" if language == "fr" else "Sign in").click()
                page.screenshot(path=folder / f"login-too-soon-{language}-{width}.png", full_page=True)
                for key, value in portal_with_provider.settings().items():
                    setattr(settings, key, value)
                page.goto("/comptes/connexion/")
                page.get_by_role("link").filter(has_text="tablissement").first.click()
                page.fill("#id_username", "100999")
                page.fill("#id_password", PASSWORD)
                page.click("#provider-sign-in")
                page.wait_for_url(f"{live_server.url}/comptes/refus/")
                page.screenshot(path=folder / f"refused-unknown-{language}-{width}.png", full_page=True)
            finally:
                context.close()
            context, page = new_page(browser, live_server, width=width, locale=locale)
            try:
                if language == "en":
                    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
                from django.conf import settings as django_settings

                session = _session_cookie(admin_user, live_server)
                context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": session,
                                      "url": live_server.url}])
                for kind, reason in (("sign_in", ""), ("refusal", "nonce_mismatch"), ("sign_out", "by_person")):
                    SignInEvent.objects.create(
                        kind=kind, method="oidc", identifier="100001", client_ip="10.1.2.3",
                        user=org.user("alice"), reason=reason,
                    )
                page.goto("/comptes/journal/")
                page.screenshot(path=folder / f"sign-in-log-{language}-{width}.png", full_page=True)
                page.goto("/comptes/deconnecte/")
                page.screenshot(path=folder / f"after-log-{language}-{width}.png", full_page=True)
            finally:
                context.close()


def _session_cookie(user, live_server) -> str:
    from django.conf import settings as django_settings
    from django.test import Client

    client = Client()
    client.force_login(user, backend="portal.accounts.backends.PortalPasswordBackend")
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value
