"""Every page but the login and password-reset pages requires a signed-in user.

The URL conf is walked, so a view added later is covered without touching this test.
"""

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

PUBLIC_NAMES = {
    "login",
    "set_language",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    # Sign-in through the hospital's directory, its refusals and the signed-out page (portal/accounts).
    "accounts:oidc_start",
    "accounts:oidc_callback",
    "accounts:refused",
    "accounts:signed_out",
    # Health probes of the load balancer: ok/failed per component, nothing else (portal/health.py).
    "health_live",
    "health_ready",
    # The public intake and the follow-up by receipt: no account by design (intake/, README "Anonymous
    # reports"); tests/intake checks they refuse when switched off.
    "intake:public",
    "intake:follow",
}

_CONVERTER_SAMPLES = {"int": "1", "str": "x", "slug": "x", "uuid": str(uuid.uuid4()), "path": "x/y"}


def _walk(patterns, prefix="", namespace=""):
    """(name with its namespace, e.g. "intake:public", route) for every page of the URL conf."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin" or "admin" in str(entry.pattern):
                continue
            # The API's machine endpoints answer 401, not a redirect (tests/api/test_auth.py walks them);
            # its documentation pages (namespace "api_docs") stay in this walk.
            if entry.namespace == "api":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}" if entry.name else None, prefix + str(entry.pattern)


def _sample_path(route: str) -> str:
    route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: _CONVERTER_SAMPLES.get(m.group(1) or "str", "x"), route)
    route = route.lstrip("^").rstrip("$").replace("\\", "")
    return "/" + route


ROUTES = sorted(set(_walk(get_resolver().url_patterns)), key=lambda item: item[1])


@pytest.mark.parametrize(("name", "route"), ROUTES, ids=[route for _, route in ROUTES])
@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, name, route):
    if name in PUBLIC_NAMES:
        pytest.skip("public page")
    path = _sample_path(route)
    for method in (client.get, client.post):
        response = method(path)
        assert response.status_code == 302, f"{path} answered {response.status_code} to an anonymous visitor"
        assert response["Location"].startswith("/comptes/connexion/")


def test_the_walk_finds_the_portal_pages():
    names = {name for name, _ in ROUTES}
    assert {"home", "logout", "password_change"} <= names


@pytest.mark.django_db
def test_login_page_is_public(client):
    response = client.get("/comptes/connexion/")
    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_plain_employee_cannot_open_the_admin(org, login):
    client = login(org.user("alice"))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    response = client.get("/admin/portal/staffprofile/")
    assert response.status_code == 302


def test_admin_is_open_to_staff_with_permissions(org, login):
    from django.contrib.auth.models import Permission

    user = org.user("harry")
    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="view_staffprofile"))
    client = login(user)
    assert client.get("/admin/portal/staffprofile/").status_code == 200
    assert client.get("/admin/portal/direction/").status_code == 403
