"""Authentication backends, in the order settings.AUTHENTICATION_BACKENDS runs them.

1. django-axes refuses a locked username from that client address.
2. DirectoryPasswordBackend: the typed login and password against LDAP / Active Directory.
3. LocalLoginGate: lets Django's ModelBackend check a portal password only for the accounts that
   AUTH_LOCAL_LOGIN allows (everyone, administrators and break-glass accounts, or nobody).
4. PortalPasswordBackend: the portal password (Django's ModelBackend).
5. OIDCBackend: the return from the OpenID Connect provider (code, state, nonce, PKCE).

A backend that finds the person but refuses them raises PermissionDenied so that no later backend
signs them in another way; the reason is left on the request for the audit log and the page.
"""

from __future__ import annotations

import logging

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from portal.roles import active_user_with_roles

from . import config, oidc
from .ldap import DirectoryUnavailable, PasswordRefused, check_password
from .matching import DirectoryIdentity, SignInRefused, directory_person, employee_number_from
from .models import SignInEvent

logger = logging.getLogger(__name__)
Method, Reason = SignInEvent.Method, SignInEvent.Reason
REFUSAL_ATTR = "portal_sign_in_refusal"
METHOD_ATTR = "portal_sign_in_method"


def note_refusal(request, reason: str, method: str) -> None:
    if request is not None:
        setattr(request, REFUSAL_ATTR, reason)
        setattr(request, METHOD_ATTR, method)


class DirectoryPasswordBackend:
    """LDAP / Active Directory: search then bind, then match the staff profile (portal.accounts.matching)."""

    def authenticate(self, request, username=None, password=None):
        if not config.ldap_enabled() or not username or not password:
            return None
        try:
            identity = check_password(username, password)
        except DirectoryUnavailable:
            note_refusal(request, Reason.DIRECTORY_UNAVAILABLE, Method.LDAP)
            return None  # an administrator's local password may still be checked (break-glass)
        except PasswordRefused:
            note_refusal(request, Reason.BAD_CREDENTIALS, Method.LDAP)
            return None
        if identity is None:
            return None
        if request is not None:
            setattr(request, METHOD_ATTR, Method.LDAP)
        try:
            return directory_person(identity)
        except SignInRefused as refusal:
            note_refusal(request, refusal.reason, Method.LDAP)
            raise PermissionDenied(refusal.reason) from refusal

    def get_user(self, user_id):
        return active_user_with_roles(user_id)


class PortalPasswordBackend(ModelBackend):
    """Django's password check; the person of each request is read with their roles, in one query
    (portal.roles.active_user_with_roles)."""

    def get_user(self, user_id):
        return active_user_with_roles(user_id)


class LocalLoginGate:
    """Stops a portal-password check for accounts that AUTH_LOCAL_LOGIN does not allow; never signs in."""

    def authenticate(self, request, username=None, password=None):
        if username is None or password is None:
            return None
        if config.local_login_mode() == "all":
            return None
        User = get_user_model()
        user = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
        if user is not None and config.local_login_allowed(user):
            return None
        # Hash anyway, so that the answer takes as long for a refused account as for a wrong password.
        User().set_password(password)
        if not getattr(request, REFUSAL_ATTR, ""):
            # What the directory said, if it said anything, is the better reason to record.
            note_refusal(request, Reason.LOCAL_LOGIN_NOT_ALLOWED, Method.PASSWORD)
        raise PermissionDenied("local login not allowed")

    def get_user(self, user_id):
        return None


def oidc_setting(attr: str, *default):
    """mozilla-django-oidc's settings, answered from the portal's (README, "Sign-in"), at call time."""
    fixed = {
        "OIDC_RP_IDP_SIGN_KEY": None,
        "OIDC_USE_NONCE": True,
        "OIDC_USE_PKCE": True,
        "OIDC_PKCE_CODE_CHALLENGE_METHOD": "S256",
        "OIDC_PROXY": None,
        "OIDC_ALLOW_UNSECURED_JWT": False,
        "OIDC_TOKEN_USE_BASIC_AUTH": False,
        "OIDC_STORE_ACCESS_TOKEN": False,
        # Kept in the session for the provider's logout (id_token_hint), never written to any log.
        "OIDC_STORE_ID_TOKEN": True,
        "OIDC_AUTHENTICATION_CALLBACK_URL": "accounts:oidc_callback",
        "OIDC_REDIRECT_FIELD_NAME": "next",
    }
    if attr in fixed:
        return fixed[attr]
    portal_names = {
        "OIDC_RP_CLIENT_ID": ("OIDC_CLIENT_ID", ""),
        "OIDC_RP_CLIENT_SECRET": ("OIDC_CLIENT_SECRET", ""),
        "OIDC_RP_SIGN_ALGO": ("OIDC_SIGN_ALGO", "RS256"),
        "OIDC_RP_SCOPES": ("OIDC_SCOPES", "openid"),
    }
    if attr in portal_names:
        name, fallback = portal_names[attr]
        return getattr(settings, name, fallback)
    if attr == "OIDC_VERIFY_SSL":
        return oidc.verify_tls()
    if attr == "OIDC_TIMEOUT":
        return oidc.timeout()
    return import_from_settings(attr, *default)


class OIDCBackend(OIDCAuthenticationBackend):
    """The provider's answer: code exchanged with the PKCE verifier, ID token checked in full
    (portal.accounts.oidc.decode_id_token), nonce compared, then the person matched, never created
    unless AUTH_CREATE_UNKNOWN (portal.accounts.matching)."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        # The provider is looked up only when its answer arrives, never when a password is checked.
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        if request is None or not config.oidc_enabled() or "nonce" not in kwargs:
            return None
        if not (request.GET.get("code") and request.GET.get("state")):
            return None
        try:
            self._configure(oidc.provider())
            user = super().authenticate(request, **kwargs)
        except oidc.ProviderUnavailable:
            note_refusal(request, Reason.PROVIDER_UNAVAILABLE, Method.OIDC)
            return None
        except SignInRefused as refusal:
            note_refusal(request, refusal.reason, Method.OIDC)
            request.portal_sign_in_identifier = refusal.identifier
            return None
        except SuspiciousOperation as error:
            note_refusal(request, getattr(error, "reason", Reason.TOKEN_INVALID), Method.OIDC)
            return None
        except requests.HTTPError:
            # The token endpoint refused the code (used twice, expired, wrong PKCE verifier).
            note_refusal(request, Reason.PROVIDER_REFUSED, Method.OIDC)
            return None
        except (requests.RequestException, ValueError) as error:
            logger.warning("OpenID Connect: provider unreachable or unreadable (%s)", type(error).__name__)
            note_refusal(request, Reason.PROVIDER_UNAVAILABLE, Method.OIDC)
            return None
        if user is None:
            note_refusal(request, Reason.TOKEN_INVALID, Method.OIDC)
        return user

    def _configure(self, provider: oidc.Provider) -> None:
        self.provider = provider
        self.OIDC_OP_TOKEN_ENDPOINT = provider.token_endpoint
        self.OIDC_OP_USER_ENDPOINT = provider.userinfo_endpoint
        self.OIDC_OP_JWKS_ENDPOINT = provider.jwks_uri
        self.OIDC_RP_CLIENT_ID = oidc_setting("OIDC_RP_CLIENT_ID")
        self.OIDC_RP_CLIENT_SECRET = oidc_setting("OIDC_RP_CLIENT_SECRET")
        self.OIDC_RP_SIGN_ALGO = oidc_setting("OIDC_RP_SIGN_ALGO")
        self.OIDC_RP_IDP_SIGN_KEY = None

    def _verify_jws(self, payload, key):
        return oidc.decode_id_token(payload, key, issuer=self.provider.issuer)

    def verify_token(self, token, **kwargs):
        try:
            if self.OIDC_RP_SIGN_ALGO.startswith(("RS", "ES", "PS")):
                key = self.retrieve_matching_jwk(token)
            else:
                key = self.OIDC_RP_CLIENT_SECRET
            payload = self._verify_jws(token, key)
        except (jwt.PyJWTError, KeyError, TypeError) as error:
            raise oidc.TokenRejected(Reason.TOKEN_INVALID) from error
        # The ID token must answer this very sign-in (mozilla-django-oidc keeps the nonce by state).
        if "nonce" in kwargs and (not kwargs["nonce"] or payload.get("nonce") != kwargs["nonce"]):
            raise oidc.TokenRejected(Reason.NONCE_MISMATCH)
        return payload

    def store_tokens(self, access_token, id_token):
        # Kept on the request until the person is signed in (then in the session for the provider's
        # logout); the access token is never kept.
        self.request.portal_id_token = id_token

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims; the userinfo endpoint's are added only with OIDC_USE_USERINFO (Entra ID
        puts an employee number in the ID token, not in its userinfo answer)."""
        claims = dict(payload)
        if getattr(settings, "OIDC_USE_USERINFO", False) and self.OIDC_OP_USER_ENDPOINT:
            extra = super().get_userinfo(access_token, id_token, payload)
            if isinstance(extra, dict) and extra.get("sub") == payload.get("sub"):
                claims = {**extra, **claims}
        return claims

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        admin_group = getattr(settings, "OIDC_ADMIN_GROUP", "")
        groups = claims.get(getattr(settings, "OIDC_GROUPS_CLAIM", "groups")) or []
        if isinstance(groups, str):
            groups = [groups]
        identity = DirectoryIdentity(
            method=Method.OIDC,
            employee_number=employee_number_from(
                claims.get(getattr(settings, "OIDC_EMPLOYEE_NUMBER_CLAIM", "employee_id"))
            ),
            email=str(claims.get("email") or ""),
            first_name=str(claims.get("given_name") or ""),
            last_name=str(claims.get("family_name") or ""),
            in_admin_group=(admin_group in groups) if admin_group else None,
        )
        return directory_person(identity)

    def get_user(self, user_id):
        return active_user_with_roles(user_id)
