"""Sign-in configuration checked at startup (`manage.py check` and every management command): a portal
nobody can sign in to, or that would send directory passwords in clear, does not start quietly."""

from __future__ import annotations

from django.conf import settings
from django.core import checks

from . import config


@checks.register(checks.Tags.security)
def sign_in_configuration(app_configs=None, **kwargs):
    problems = []
    mode = (getattr(settings, "AUTH_LOCAL_LOGIN", "") or "").strip().lower()
    if mode and mode not in config.LOCAL_LOGIN_MODES:
        problems.append(
            checks.Error(
                f"AUTH_LOCAL_LOGIN={mode!r} is not one of {', '.join(config.LOCAL_LOGIN_MODES)}.",
                id="accounts.E001",
            )
        )
    if config.local_login_mode() == "off" and not config.directory_enabled():
        problems.append(
            checks.Error(
                "AUTH_LOCAL_LOGIN=off without OpenID Connect or LDAP: nobody could sign in.",
                hint="Configure OIDC_ISSUER and OIDC_CLIENT_ID, or LDAP_URL (README, Sign-in).",
                id="accounts.E002",
            )
        )
    issuer = getattr(settings, "OIDC_ISSUER", "") or getattr(settings, "OIDC_DISCOVERY_URL", "")
    if bool(issuer) != bool(getattr(settings, "OIDC_CLIENT_ID", "")):
        problems.append(
            checks.Error(
                "OpenID Connect needs both an issuer (OIDC_ISSUER or OIDC_DISCOVERY_URL) and OIDC_CLIENT_ID.",
                id="accounts.E003",
            )
        )
    if config.ldap_enabled():
        if not getattr(settings, "LDAP_SEARCH_BASE", ""):
            problems.append(checks.Error("LDAP_URL is set but LDAP_SEARCH_BASE is not.", id="accounts.E004"))
        clear = [u for u in config.ldap_urls() if not u.startswith("ldaps://")]
        if clear and not getattr(settings, "LDAP_START_TLS", False):
            problems.append(
                checks.Warning(
                    "LDAP without LDAPS or StartTLS: directory passwords would cross the network in clear.",
                    hint="Use ldaps:// addresses or set LDAP_START_TLS=true.",
                    id="accounts.W001",
                )
            )
    if issuer and not issuer.startswith("https://"):
        problems.append(
            checks.Warning("The OpenID Connect issuer is not reached over HTTPS.", id="accounts.W002")
        )
    if float(settings.SESSION_IDLE_MINUTES) <= 0 or float(settings.SESSION_MAX_HOURS) <= 0:
        problems.append(
            checks.Error("SESSION_IDLE_MINUTES and SESSION_MAX_HOURS must be positive.", id="accounts.E005")
        )
    return problems
