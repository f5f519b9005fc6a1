"""What sign-in methods are configured, read from settings at call time (so tests can override them).

README, "Sign-in", lists the variables. A directory is configured when OpenID Connect has an issuer and
a client id, or LDAP has a server address. Local password login is `all`, `admins` or `off`
(AUTH_LOCAL_LOGIN); unset, it is `all` without a directory and `admins` with one.
"""

from __future__ import annotations

from django.conf import settings

LOCAL_LOGIN_MODES = ("all", "admins", "off")


def oidc_enabled() -> bool:
    return bool(
        (getattr(settings, "OIDC_ISSUER", "") or getattr(settings, "OIDC_DISCOVERY_URL", ""))
        and getattr(settings, "OIDC_CLIENT_ID", "")
    )


def ldap_enabled() -> bool:
    return bool(ldap_urls())


def ldap_urls() -> list[str]:
    value = getattr(settings, "LDAP_URL", "") or ""
    if isinstance(value, (list, tuple)):
        return [url.strip() for url in value if url.strip()]
    return [url.strip() for url in value.split(",") if url.strip()]


def directory_enabled() -> bool:
    return oidc_enabled() or ldap_enabled()


def local_login_mode() -> str:
    mode = (getattr(settings, "AUTH_LOCAL_LOGIN", "") or "").strip().lower()
    if not mode:
        return "admins" if directory_enabled() else "all"
    return mode if mode in LOCAL_LOGIN_MODES else "off"


def is_local_login_account(user) -> bool:
    """Administrators and break-glass accounts: staff status (the admin site) or superuser."""
    return bool(user.is_active and (user.is_superuser or user.is_staff))


def local_login_allowed(user) -> bool:
    """May this account sign in with a portal password (and so reset or change it)?"""
    mode = local_login_mode()
    if mode == "all":
        return bool(user.is_active)
    if mode == "admins":
        return is_local_login_account(user)
    return False


def create_unknown() -> bool:
    return bool(getattr(settings, "AUTH_CREATE_UNKNOWN", False))


def match_email() -> bool:
    return bool(getattr(settings, "AUTH_MATCH_EMAIL", False))
