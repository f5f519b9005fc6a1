"""Service accounts and tokens for the API tests: `token(*scopes)` and `api(token)`."""

from __future__ import annotations

import pytest
from django.test import Client

from portal.api import services
from portal.api.scopes import SCOPES


@pytest.fixture
def service_account(db):
    return services.service_account_create(actor=None, name="Système de test")


@pytest.fixture
def token(service_account):
    """token(*scopes, **kwargs) -> the token's text (every scope when none is given)."""

    def make(*scopes: str, **kwargs) -> str:
        return services.token_create(
            actor=None, account=service_account, scopes=scopes or list(SCOPES), **kwargs
        ).secret

    return make


@pytest.fixture
def api():
    """api(token_text) -> a test client that sends the token on every call (French unless told)."""

    def make(text: str, language: str = "") -> Client:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {text}"}
        if language:
            headers["HTTP_ACCEPT_LANGUAGE"] = language
        return Client(**headers)

    return make
