"""OpenID Connect: the provider's endpoints, the ID token's checks and the logout address.

The library is mozilla-django-oidc (authorization-code flow, `state`, `nonce`, PKCE, JWKS). The portal
adds what it leaves open: endpoints found by discovery (OIDC_ISSUER or OIDC_DISCOVERY_URL, cached), and a
complete ID-token check — signature against the provider's keys, issuer, audience, expiry and issue
time, nonce — each failure with its own audited reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation

from .models import SignInEvent

Reason = SignInEvent.Reason
DISCOVERY_PATH = "/.well-known/openid-configuration"


class ProviderUnavailable(Exception):
    """Discovery failed: the provider did not answer, or answered with something unusable."""


class TokenRejected(SuspiciousOperation):
    """An ID token the portal will not accept, with the reason recorded in the audit log."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str = ""
    end_session_endpoint: str = ""


def verify_tls():
    """`verify` for requests: the CA file when one is configured, otherwise the system's authorities."""
    return getattr(settings, "OIDC_CA_FILE", "") or True


def timeout() -> float:
    return float(getattr(settings, "OIDC_TIMEOUT", 10))


def _discovery_url() -> str:
    explicit = getattr(settings, "OIDC_DISCOVERY_URL", "")
    return explicit or settings.OIDC_ISSUER.rstrip("/") + DISCOVERY_PATH


def _explicit_endpoints() -> dict[str, str]:
    names = {
        "authorization_endpoint": "OIDC_AUTHORIZATION_ENDPOINT",
        "token_endpoint": "OIDC_TOKEN_ENDPOINT",
        "jwks_uri": "OIDC_JWKS_ENDPOINT",
        "userinfo_endpoint": "OIDC_USERINFO_ENDPOINT",
        "end_session_endpoint": "OIDC_END_SESSION_ENDPOINT",
    }
    return {key: getattr(settings, name, "") for key, name in names.items() if getattr(settings, name, "")}


def _discover() -> dict:
    url = _discovery_url()
    key = "portal-oidc-discovery:" + url
    document = cache.get(key)
    if document is None:
        try:
            response = requests.get(url, timeout=timeout(), verify=verify_tls())
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as error:
            raise ProviderUnavailable(type(error).__name__) from error
        if not isinstance(document, dict):
            raise ProviderUnavailable("discovery document is not an object")
        cache.set(key, document, int(getattr(settings, "OIDC_DISCOVERY_CACHE_SECONDS", 3600)))
    return document


def provider() -> Provider:
    """The provider's endpoints: explicit settings first, the discovery document for the rest.

    The discovery document must name the configured issuer (OpenID Connect Discovery §4.3).
    """
    explicit = _explicit_endpoints()
    required = ("authorization_endpoint", "token_endpoint", "jwks_uri")
    issuer = getattr(settings, "OIDC_ISSUER", "")
    values: dict[str, str] = dict(explicit)
    if not all(name in explicit for name in required) or getattr(settings, "OIDC_DISCOVERY_URL", ""):
        document = _discover()
        discovered_issuer = str(document.get("issuer", ""))
        if issuer and discovered_issuer.rstrip("/") != issuer.rstrip("/"):
            raise ProviderUnavailable("discovery names another issuer")
        issuer = issuer or discovered_issuer
        for name in (*required, "userinfo_endpoint", "end_session_endpoint"):
            values.setdefault(name, str(document.get(name) or ""))
    if not issuer or not all(values.get(name) for name in required):
        raise ProviderUnavailable("incomplete provider configuration")
    return Provider(issuer=issuer, **{k: v for k, v in values.items() if k in Provider.__dataclass_fields__})


def decode_id_token(token: str, key, *, issuer: str) -> dict:
    """Signature, issuer, audience, expiry and issue time of an ID token, or TokenRejected."""
    algorithm = getattr(settings, "OIDC_SIGN_ALGO", "RS256")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise TokenRejected(Reason.TOKEN_INVALID) from error
    if header.get("alg") != algorithm:
        raise TokenRejected(Reason.TOKEN_INVALID)
    try:
        return jwt.decode(
            token,
            key,
            algorithms=[algorithm],
            audience=settings.OIDC_CLIENT_ID,
            issuer=issuer,
            leeway=int(getattr(settings, "OIDC_LEEWAY_SECONDS", 60)),
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except jwt.ExpiredSignatureError as error:
        raise TokenRejected(Reason.TOKEN_EXPIRED) from error
    except jwt.InvalidIssuerError as error:
        raise TokenRejected(Reason.WRONG_ISSUER) from error
    except jwt.PyJWTError as error:
        raise TokenRejected(Reason.TOKEN_INVALID) from error


def end_session_url(*, id_token: str, post_logout_redirect_uri: str) -> str:
    """RP-initiated logout at the provider, or "" when it offers none (then only the portal signs out)."""
    try:
        endpoint = provider().end_session_endpoint
    except ProviderUnavailable:
        return ""
    if not endpoint:
        return ""
    params = {"client_id": settings.OIDC_CLIENT_ID, "post_logout_redirect_uri": post_logout_redirect_uri}
    if id_token:
        params["id_token_hint"] = id_token
    return endpoint + ("&" if "?" in endpoint else "?") + urlencode(params)
