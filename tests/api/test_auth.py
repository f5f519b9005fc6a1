"""Systems, not people: tokens stored hashed and shown once, scopes, expiry, revocation, audit, rate limit."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from portal.api import services
from portal.api.models import ApiCall, ApiToken, ServiceAccount
from portal.api.scopes import ORG_WRITE, ROSTER_READ, STATISTICS_READ

ROSTER = "/api/v1/roster/accounts/"


def _api_routes():
    """Every machine endpoint of the API (namespace "api"), as a path to call."""

    def walk(patterns, prefix="", namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern), entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and namespace == "api":
                yield "/" + prefix + str(entry.pattern)

    return sorted(set(walk(get_resolver().url_patterns)))


def test_the_token_is_stored_as_a_hash_and_shown_once(service_account):
    new = services.token_create(actor=None, account=service_account, scopes=[ROSTER_READ])
    stored = ApiToken.objects.get(pk=new.token.pk)
    assert new.secret.startswith(f"pms_{stored.key_id}_")
    assert new.secret not in str(ApiToken.objects.filter(pk=stored.pk).values().first())
    assert stored.secret_hash == services.hash_token(new.secret)


def test_a_valid_token_with_its_scope_opens_the_endpoint(org, token, api):
    response = api(token(ROSTER_READ)).get(ROSTER)
    assert response.status_code == 200
    assert response["Content-Language"] == "fr"


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer pms_nothex",
        "Bearer pms_0123456789ab_unknown-secret",
        "Basic dXNlcjpwYXNz",
        "Bearer a b",
    ],
)
def test_missing_or_bad_token_is_401(db, header):
    client = Client(HTTP_AUTHORIZATION=header) if header else Client()
    response = client.get(ROSTER)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert set(response.json()) >= {"detail", "code"}


def test_right_key_id_with_a_wrong_secret_is_401(token, api):
    text = token(ROSTER_READ)
    assert api(text[:-4] + "AAAA").get(ROSTER).status_code == 401


def test_a_token_without_the_scope_gets_403_on_every_other_endpoint(org, token, api):
    client = api(token(STATISTICS_READ))
    assert client.get(ROSTER).status_code == 403
    assert client.get("/api/v1/acknowledgements/people/").status_code == 403
    response = client.post("/api/v1/org/import/", {"rows": []}, content_type="application/json")
    assert response.status_code == 403
    assert ORG_WRITE in response.json()["detail"]
    assert client.get("/api/v1/statistics/incidents/").status_code == 200


def test_an_expired_token_is_401(token, api):
    text = token(ROSTER_READ, expires_at=timezone.now() + datetime.timedelta(days=2))
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3)):
        response = api(text).get(ROSTER)
    assert response.status_code == 401
    assert "expiré" in response.json()["detail"]


def test_a_revoked_token_is_401_at_once(token, api):
    text = token(ROSTER_READ)
    client = api(text)
    assert client.get(ROSTER).status_code == 200
    services.token_revoke(actor=None, token=ApiToken.objects.get(key_id=services.split_token(text)))
    response = client.get(ROSTER)
    assert response.status_code == 401
    assert "révoqué" in response.json()["detail"]


def test_a_deactivated_service_account_is_401(token, api, service_account):
    text = token(ROSTER_READ)
    ServiceAccount.objects.filter(pk=service_account.pk).update(is_active=False)
    assert api(text).get(ROSTER).status_code == 401


def test_a_persons_session_never_opens_the_api(org, login):
    """Even an administrator signed in to the portal gets 401 from every endpoint of the API."""
    admin_user = org.user("dora")
    admin_user.is_superuser = admin_user.is_staff = True
    admin_user.save()
    client = login(admin_user)
    for route in _api_routes():
        if route == "/api/schema/":
            continue  # documentation, readable by signed-in people (below)
        for method in (client.get, client.post):
            response = method(route)
            assert response.status_code == 401, f"{route} answered {response.status_code} to a session"


def test_anonymous_gets_401_from_every_endpoint_and_the_pages_send_to_login(db):
    client = Client()
    routes = _api_routes()
    assert "/api/schema/" in routes and len(routes) >= 6
    for route in routes:
        assert client.get(route).status_code == 401, route
    for page in ("/api/", "/api/reference/"):
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"].startswith("/comptes/connexion/")


def test_every_call_is_audited_refusals_included(org, token, api, service_account):
    good = token(ROSTER_READ)
    api(good).get(ROSTER)
    api(good).get("/api/v1/statistics/incidents/")
    Client(HTTP_AUTHORIZATION="Bearer pms_0123456789ab_nope").get(ROSTER)
    calls = list(ApiCall.objects.order_by("id"))
    assert [(c.status, c.scope, c.endpoint) for c in calls] == [
        (200, ROSTER_READ, "api/v1/roster/accounts/"),
        (403, STATISTICS_READ, "api/v1/statistics/incidents/"),
        (401, ROSTER_READ, "api/v1/roster/accounts/"),
    ]
    assert calls[0].account == service_account and calls[0].token.key_id == services.split_token(good)
    assert calls[2].account is None and calls[2].presented_key_id == "0123456789ab"
    assert calls[0].client_ip == "127.0.0.1" and calls[0].method == "GET"


def test_rate_limit_per_token(org, token, api, settings):
    settings.API_RATE_PER_MINUTE = 3
    from django.core.cache import cache

    cache.clear()
    first, second = api(token(ROSTER_READ)), api(token(ROSTER_READ))
    assert [first.get(ROSTER).status_code for _ in range(3)] == [200, 200, 200]
    refused = first.get(ROSTER)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert second.get(ROSTER).status_code == 200, "the limit is per token"
    assert ApiCall.objects.filter(status=429).count() == 1


def test_english_on_request(db):
    response = Client(HTTP_ACCEPT_LANGUAGE="en-CA,en;q=0.9").get(ROSTER)
    assert response.json()["detail"] == "Authentication credentials were not provided."
    assert response["Content-Language"] == "en"
    response = Client(HTTP_ACCEPT_LANGUAGE="de,en;q=0.9").get(ROSTER)
    assert response["Content-Language"] == "fr"


def test_only_an_administrator_creates_or_revokes(org, service_account):
    with pytest.raises(PermissionDenied):
        services.token_create(actor=org.user("diane"), account=service_account, scopes=[ROSTER_READ])
    with pytest.raises(PermissionDenied):
        services.service_account_create(actor=org.user("harry"), name="RH")


@pytest.mark.parametrize(
    ("scopes", "days"),
    [([], 10), (["roster:write"], 10), ([ROSTER_READ], 400), ([ROSTER_READ], -1)],
)
def test_bad_scopes_or_expiry_are_refused_and_nothing_is_written(service_account, scopes, days):
    with pytest.raises(ValidationError):
        services.token_create(
            actor=None,
            account=service_account,
            scopes=scopes,
            expires_at=timezone.now() + datetime.timedelta(days=days),
        )
    assert not ApiToken.objects.exists()


def test_admin_creates_a_token_shows_it_once_and_revokes_it(org, login, service_account):
    admin_user = org.user("dora")
    admin_user.is_superuser = admin_user.is_staff = True
    admin_user.save()
    client = login(admin_user)
    expires = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    response = client.post(
        "/admin/api/apitoken/add/",
        {"account": service_account.pk, "label": "BI", "scopes": [ROSTER_READ], "expires_on": expires},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get()
    secret = response.context["secret"]
    assert secret.startswith(f"pms_{token.key_id}_") and secret in response.content.decode()
    # Never shown again.
    page = client.get(f"/admin/api/apitoken/{token.pk}/change/").content.decode()
    assert secret not in page and token.key_id in page
    client.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == admin_user


def test_staff_who_are_not_administrators_never_see_the_api_admin(org, login):
    from django.contrib.auth.models import Permission

    user = org.user("harry")
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="api"))
    client = login(user)
    pages = ("apitoken/", "apitoken/add/", "serviceaccount/", "apicall/")
    for url in (f"/admin/api/{page}" for page in pages):
        assert client.get(url).status_code == 403, url


def test_command_creates_lists_and_revokes(db, capsys):
    call_command("api_token", "create", "Système RH", "--scope", ORG_WRITE, "--days", "30", "--create-account")
    secret = capsys.readouterr().out.strip()
    key_id = services.split_token(secret)
    assert key_id and ApiToken.objects.get(key_id=key_id).scopes == [ORG_WRITE]
    call_command("api_token", "list")
    assert key_id in capsys.readouterr().out
    call_command("api_token", "revoke", key_id)
    assert ApiToken.objects.get(key_id=key_id).is_revoked


def test_old_audit_rows_are_purged(token, api, db, settings):
    settings.API_AUDIT_RETENTION_DAYS = 30
    Client().get(ROSTER)
    ApiCall.objects.update(at=timezone.now() - datetime.timedelta(days=31))
    Client().get(ROSTER)
    assert services.calls_purge() == 1
    assert ApiCall.objects.count() == 1
