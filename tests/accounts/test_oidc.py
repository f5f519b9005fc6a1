"""Sign-in through OpenID Connect, against a real provider in its own process (tests/oidc_provider).

The test client plays the portal's browser; a requests session plays the same browser at the provider.
"""

from __future__ import annotations

import datetime
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import pytest
import requests
import time_machine
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import SignInEvent

Kind, Method, Reason = SignInEvent.Kind, SignInEvent.Method, SignInEvent.Reason
PASSWORD = "provider-password"


class ProviderBrowser:
    """The person's browser at the provider: its own cookies, redirects followed by hand."""

    def __init__(self, provider):
        self.provider = provider
        self.session = requests.Session()

    def get(self, url):
        return self.session.get(urljoin(self.provider.url, url), allow_redirects=False, timeout=10)

    def authorize(self, authorize_url, username, password=PASSWORD) -> str:
        """Signs in at the provider if needed; returns where the provider sends the browser back."""
        response = self.get(authorize_url)
        if response.status_code == 302 and "/login/" in response.headers["Location"]:
            login_url = urljoin(self.provider.url, response.headers["Location"])
            self.session.get(login_url, timeout=10)
            response = self.session.post(
                login_url,
                data={
                    "username": username,
                    "password": password,
                    "csrfmiddlewaretoken": self.session.cookies["provider_csrftoken"],
                },
                allow_redirects=False,
                timeout=10,
            )
            assert response.status_code == 302, "the provider refused the password"
            response = self.get(response.headers["Location"])
        assert response.status_code == 302, response.text[:500]
        return response.headers["Location"]


def start(client, next_url=None):
    url = reverse("accounts:oidc_start") + (f"?{urlencode({'next': next_url})}" if next_url else "")
    response = client.get(url)
    assert response.status_code == 302
    return response["Location"]


def back_at_portal(location: str) -> str:
    parts = urlsplit(location)
    assert parts.netloc == "testserver", location
    return f"{parts.path}?{parts.query}"


def round_trip(client, provider, username, *, next_url=None, browser=None):
    """Portal → provider → the provider's answer, not yet delivered to the portal."""
    browser = browser or ProviderBrowser(provider)
    return back_at_portal(browser.authorize(start(client, next_url), username))


def signed_in_as(client):
    user_id = client.session.get("_auth_user_id")
    return get_user_model().objects.get(pk=user_id).username if user_id else None


def refusal_of(client, response):
    assert response.status_code == 302 and response["Location"] == reverse("accounts:refused")
    return client.get(response["Location"])


def test_authorization_request_uses_state_nonce_and_pkce(oidc, client):
    query = parse_qs(urlsplit(start(client)).query)
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    assert query["redirect_uri"] == ["http://testserver/comptes/oidc/retour/"]


def test_a_person_signs_in_through_the_provider_as_the_profile_with_that_employee_number(oidc, client):
    oidc.person("100001", PASSWORD)
    response = client.get(round_trip(client, oidc, "100001"))
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert signed_in_as(client) == "alice"
    assert client.get(reverse("home")).status_code == 200
    event = SignInEvent.objects.get(kind=Kind.SIGN_IN)
    assert (event.method, event.user.username, event.client_ip) == (Method.OIDC, "alice", "127.0.0.1")


def test_the_page_asked_for_is_reached_after_sign_in_but_never_another_site(oidc, client):
    oidc.person("100001", PASSWORD)
    response = client.get(round_trip(client, oidc, "100001", next_url="/notifications/"))
    assert response["Location"] == "/notifications/"
    client.logout()
    response = client.get(round_trip(client, oidc, "100001", next_url="https://evil.example/"))
    assert response["Location"] == reverse("home")


def test_a_tampered_state_is_refused(oidc, client):
    oidc.person("100001", PASSWORD)
    answer = round_trip(client, oidc, "100001")
    query = parse_qs(urlsplit(answer).query)
    forged = reverse("accounts:oidc_callback") + "?" + urlencode({"code": query["code"][0], "state": "forged"})
    page = refusal_of(client, client.get(forged))
    assert page.status_code == 400 and "pas pu être vérifiée" in page.content.decode()
    assert signed_in_as(client) is None
    assert SignInEvent.objects.get().reason == Reason.STATE_MISMATCH


def test_an_answer_is_used_once(oidc, client):
    oidc.person("100001", PASSWORD)
    answer = round_trip(client, oidc, "100001")
    assert client.get(answer).status_code == 302
    client.logout()
    refusal_of(client, client.get(answer))
    assert SignInEvent.objects.filter(kind=Kind.REFUSAL).get().reason == Reason.STATE_MISMATCH


def test_a_token_for_another_sign_in_is_refused_by_its_nonce(oidc, client):
    oidc.person("100001", PASSWORD)
    answer = round_trip(client, oidc, "100001")
    state = parse_qs(urlsplit(answer).query)["state"][0]
    session = client.session
    session["oidc_states"][state]["nonce"] = "nonce-of-another-sign-in"
    session.save()
    refusal_of(client, client.get(answer))
    assert signed_in_as(client) is None
    assert SignInEvent.objects.get().reason == Reason.NONCE_MISMATCH


def test_a_wrong_pkce_verifier_makes_the_provider_refuse_the_code(oidc, client):
    oidc.person("100001", PASSWORD)
    answer = round_trip(client, oidc, "100001")
    state = parse_qs(urlsplit(answer).query)["state"][0]
    session = client.session
    session["oidc_states"][state]["code_verifier"] = "x" * 64
    session.save()
    refusal_of(client, client.get(answer))
    assert SignInEvent.objects.get().reason == Reason.PROVIDER_REFUSED


def test_an_expired_token_is_refused(oidc, client):
    oidc.person("100001", PASSWORD)
    answer = round_trip(client, oidc, "100001")
    # The provider's ID tokens last 10 minutes (plus a minute of clock tolerance here); the answer
    # itself may wait 15 minutes. The portal's clock moves on, the provider's does not.
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=13), tick=False):
        refusal_of(client, client.get(answer))
    assert signed_in_as(client) is None
    assert SignInEvent.objects.get().reason == Reason.TOKEN_EXPIRED


def test_a_token_from_another_issuer_is_refused(oidc, client, settings):
    settings.OIDC_ISSUER = "https://login.example.org/another-tenant/v2.0"
    settings.OIDC_AUTHORIZATION_ENDPOINT = f"{oidc.issuer}/authorize"
    settings.OIDC_TOKEN_ENDPOINT = f"{oidc.issuer}/token"
    settings.OIDC_JWKS_ENDPOINT = f"{oidc.issuer}/jwks"
    oidc.person("100001", PASSWORD)
    refusal_of(client, client.get(round_trip(client, oidc, "100001")))
    assert signed_in_as(client) is None
    assert SignInEvent.objects.get().reason == Reason.WRONG_ISSUER


def test_a_discovery_document_naming_another_issuer_stops_the_sign_in(oidc, client, settings):
    settings.OIDC_DISCOVERY_URL = f"{oidc.issuer}/.well-known/openid-configuration"
    settings.OIDC_ISSUER = "https://login.example.org/another-tenant/v2.0"
    response = client.get(reverse("accounts:oidc_start"))
    assert response.status_code == 503
    assert SignInEvent.objects.get().reason == Reason.PROVIDER_UNAVAILABLE


def test_an_unknown_employee_number_gets_the_clear_page(oidc, client):
    oidc.person("100999", PASSWORD)
    page = refusal_of(client, client.get(round_trip(client, oidc, "100999")))
    assert page.status_code == 403 and "pas encore dans le portail" in page.content.decode()
    assert signed_in_as(client) is None
    event = SignInEvent.objects.get()
    assert (event.reason, event.identifier, event.method) == (Reason.UNKNOWN_PERSON, "100999", Method.OIDC)
    assert not get_user_model().objects.filter(username="100999").exists()


def test_a_deactivated_person_is_refused(oidc, client, org):
    org.alice.is_active = False
    org.alice.save()
    oidc.person("100001", PASSWORD)
    page = refusal_of(client, client.get(round_trip(client, oidc, "100001")))
    assert page.status_code == 403 and "désactivé" in page.content.decode()
    assert SignInEvent.objects.get().reason == Reason.DEACTIVATED


def test_the_person_cancels_at_the_provider(oidc, client):
    state = parse_qs(urlsplit(start(client)).query)["state"][0]
    response = client.get(reverse("accounts:oidc_callback") + f"?error=access_denied&state={state}")
    assert refusal_of(client, response).status_code == 400
    assert SignInEvent.objects.get().reason == Reason.CANCELLED


def test_an_employee_number_in_a_user_principal_name_is_read(oidc, client, settings):
    settings.OIDC_EMPLOYEE_NUMBER_CLAIM = "email"
    oidc.person("upn-user", PASSWORD, email="100001@chum.test")
    client.get(round_trip(client, oidc, "upn-user"))
    assert signed_in_as(client) == "alice"


def test_the_configured_group_marks_administrators(oidc, client, settings):
    settings.OIDC_ADMIN_GROUP = "portail-admins"
    oidc.person("100003", PASSWORD, groups=["portail-admins", "other"])
    client.get(round_trip(client, oidc, "100003"))
    assert signed_in_as(client) == "dora"
    assert get_user_model().objects.get(username="dora").is_superuser


def test_sign_out_also_ends_the_provider_session(oidc, client):
    oidc.person("100001", PASSWORD)
    browser = ProviderBrowser(oidc)
    client.get(round_trip(client, oidc, "100001", browser=browser))
    response = client.post(reverse("logout"))
    # A page that moves on to the provider by itself (a redirect would be blocked by form-action 'self').
    assert response.status_code == 200
    url = response.context["end_session_url"]
    assert f'<meta http-equiv="refresh" content="0;url={url}' in response.content.decode().replace("&amp;", "&")
    end_session = urlsplit(url)
    assert end_session.netloc == urlsplit(oidc.url).netloc and end_session.path == "/openid/end-session"
    query = parse_qs(end_session.query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/comptes/deconnecte/"]
    assert query["id_token_hint"][0].count(".") == 2
    assert client.get(reverse("home")).status_code == 302  # the portal session is over
    back = browser.get(url)
    assert back.headers["Location"] == "http://testserver/comptes/deconnecte/"
    # At the provider too: the next sign-in asks for the password again.
    assert "/login/" in browser.get(start(client)).headers["Location"]
    assert SignInEvent.objects.filter(kind=Kind.SIGN_OUT, method=Method.OIDC).count() == 1


def test_a_provider_that_does_not_answer_gets_a_clear_page(oidc, client, settings):
    settings.OIDC_ISSUER = "http://127.0.0.1:9/openid"
    response = client.get(reverse("accounts:oidc_start"))
    assert response.status_code == 503
    assert "ne répond pas" in response.content.decode()


def test_no_code_state_or_token_is_written_anywhere(oidc, client, caplog):
    oidc.person("100001", PASSWORD)
    answer = round_trip(client, oidc, "100001")
    query = parse_qs(urlsplit(answer).query)
    client.get(answer)
    secrets = [query["code"][0], query["state"][0], client.session["oidc_id_token"]]
    stored = str(list(SignInEvent.objects.values())) + str(list(AccessAttempt.objects.values()))
    stored += str(list(AccessLog.objects.values()))
    for secret in secrets:
        assert secret not in stored
        assert secret not in caplog.text


def test_without_oidc_configured_its_pages_do_not_exist(client, db, settings):
    settings.OIDC_ISSUER = ""
    settings.OIDC_CLIENT_ID = ""
    assert client.get(reverse("accounts:oidc_start")).status_code == 404
    assert client.get(reverse("accounts:oidc_callback") + "?code=x&state=y").status_code == 404


@pytest.mark.parametrize("mode", ["admins", "all"])
def test_the_login_page_offers_the_hospital_account_first(oidc, client, settings, mode):
    settings.AUTH_LOCAL_LOGIN = mode
    page = client.get(reverse("login")).content.decode()
    assert page.index("Se connecter avec le compte de l") < page.index('name="password"')
    assert "<details" in page


def test_local_login_off_hides_the_password_form(oidc, client, settings):
    settings.AUTH_LOCAL_LOGIN = "off"
    page = client.get(reverse("login")).content.decode()
    assert 'name="password"' not in page and "Mot de passe du portail oublié" not in page
