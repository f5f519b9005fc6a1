"""Fixtures of the sign-in tests: the real LDAP server and OpenID Connect provider (tests/accounts/servers.py),
and the portal pointed at them."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from . import servers


@pytest.fixture(scope="session")
def ldap_server(tmp_path_factory):
    process, server = servers.start_slapd(tmp_path_factory.mktemp("slapd"))
    try:
        yield server
    finally:
        servers.stop(process)


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    process, provider = servers.start_provider(tmp_path_factory.mktemp("provider"))
    try:
        yield provider
    finally:
        servers.stop(process)


@pytest.fixture
def directory(org, ldap_server, settings):
    """The portal signs in through the test directory; the personas carry its employee numbers."""
    for name, number in (("alice", "100001"), ("oscar", "100002"), ("dora", "100003")):
        profile = getattr(org, name)
        profile.employee_number = number
        profile.save(update_fields=["employee_number"])
    for key, value in ldap_server.settings().items():
        setattr(settings, key, value)
    return ldap_server


@pytest.fixture
def oidc(org, oidc_provider, settings):
    """The portal signs in through the test provider, as the test client's host (testserver)."""
    for name, number in (("alice", "100001"), ("oscar", "100002"), ("dora", "100003")):
        profile = getattr(org, name)
        profile.employee_number = number
        profile.save(update_fields=["employee_number"])
    oidc_provider.client(
        redirect_uris=["http://testserver/comptes/oidc/retour/"],
        post_logout_redirect_uris=["http://testserver/comptes/deconnecte/"],
    )
    for key, value in oidc_provider.settings().items():
        setattr(settings, key, value)
    # The discovery document is cached per URL (never clear the whole cache: in CI it shares Redis).
    cache.delete("portal-oidc-discovery:" + oidc_provider.issuer + "/.well-known/openid-configuration")
    return oidc_provider
