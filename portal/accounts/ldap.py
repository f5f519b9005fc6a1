"""Password check against the hospital's LDAP directory or Active Directory (ldap3, pure Python).

Search then bind: the service account (LDAP_BIND_DN) finds exactly one person whose login attribute
(LDAP_LOGIN_ATTRIBUTES: `sAMAccountName,employeeID` for Active Directory, `uid,employeeNumber` for
OpenLDAP) equals what was typed, then the portal binds as that entry with the typed password. The
connection is encrypted with LDAPS or StartTLS, the server certificate checked against LDAP_CA_FILE
(or the system's authorities) and its name; every network step has a timeout (LDAP_TIMEOUT).
"""

from __future__ import annotations

import logging
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

import ldap3
from django.conf import settings
from ldap3.core import exceptions as ldap_errors
from ldap3.utils.conv import escape_filter_chars

from . import config
from .matching import DirectoryIdentity, employee_number_from
from .models import SignInEvent

logger = logging.getLogger(__name__)

# Active Directory: "member of, directly or through nested groups" (LDAP_MATCHING_RULE_IN_CHAIN).
IN_CHAIN = "1.2.840.113556.1.4.1941"


class DirectoryUnavailable(Exception):
    """The directory could not be reached or refused the portal's own account (never the person's)."""


class PasswordRefused(Exception):
    """The directory knows this login, and the password is not its password."""


@dataclass(frozen=True)
class _Entry:
    dn: str
    attributes: dict


def _setting(name: str, default=""):
    return getattr(settings, name, default)


def _tls() -> ldap3.Tls:
    # No version given: ldap3 then starts from Python's default context (TLS 1.2 or later).
    return ldap3.Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=_setting("LDAP_CA_FILE") or None)


def _servers() -> list[ldap3.Server]:
    timeout = int(_setting("LDAP_TIMEOUT", 5))
    servers = []
    for url in config.ldap_urls():
        parts = urlsplit(url)
        secure = parts.scheme == "ldaps"
        servers.append(
            ldap3.Server(
                parts.hostname,
                port=parts.port or (636 if secure else 389),
                use_ssl=secure,
                tls=_tls(),
                get_info=ldap3.NONE,
                connect_timeout=timeout,
            )
        )
    return servers


def _connect(user: str | None, password: str | None) -> ldap3.Connection:
    """An open, encrypted connection (not yet bound) to the first server of LDAP_URL that answers.

    The servers are tried in order, once each (ldap3's pool would wait between rounds)."""
    last_error: ldap_errors.LDAPException = ldap_errors.LDAPSocketOpenError("no LDAP server configured")
    for server in _servers():
        connection = ldap3.Connection(
            server,
            user=user,
            password=password,
            auto_bind=ldap3.AUTO_BIND_NONE,
            receive_timeout=int(_setting("LDAP_TIMEOUT", 5)),
            raise_exceptions=False,
            read_only=True,
        )
        try:
            connection.open()
            if _setting("LDAP_START_TLS", False) and not server.ssl and not connection.start_tls():
                raise ldap_errors.LDAPStartTLSError("StartTLS refused")
            return connection
        except ldap_errors.LDAPException as error:
            logger.warning("LDAP: %s:%s did not answer (%s)", server.host, server.port, type(error).__name__)
            connection.unbind()
            last_error = error
    raise last_error


def _service_connection() -> ldap3.Connection:
    try:
        connection = _connect(_setting("LDAP_BIND_DN") or None, _setting("LDAP_BIND_PASSWORD") or None)
        if not connection.bind():
            # The portal's own account was refused: a configuration problem, never the person's fault.
            logger.error("LDAP: the service account was refused (%s)", connection.result.get("description"))
            connection.unbind()
            raise DirectoryUnavailable("service bind refused")
        return connection
    except ldap_errors.LDAPException as error:
        logger.error("LDAP: directory unreachable (%s)", type(error).__name__)
        raise DirectoryUnavailable(type(error).__name__) from error


def _search_filter(login: str) -> str:
    value = escape_filter_chars(login)
    attributes = [a.strip() for a in _setting("LDAP_LOGIN_ATTRIBUTES", "uid").split(",") if a.strip()]
    alternatives = "".join(f"({attribute}={value})" for attribute in attributes)
    return f"(&{_setting('LDAP_USER_FILTER', '(objectClass=person)')}(|{alternatives}))"


def _find_person(connection: ldap3.Connection, login: str) -> _Entry | None:
    wanted = [
        _setting("LDAP_EMPLOYEE_NUMBER_ATTRIBUTE", "employeeNumber"),
        _setting("LDAP_EMAIL_ATTRIBUTE", "mail"),
        "givenName",
        "sn",
    ]
    connection.search(
        _setting("LDAP_SEARCH_BASE"),
        _search_filter(login),
        search_scope=ldap3.SUBTREE,
        attributes=wanted,
        size_limit=2,
        time_limit=int(_setting("LDAP_TIMEOUT", 5)),
    )
    entries = [e for e in connection.response or [] if e.get("type") == "searchResEntry"]
    if len(entries) != 1:
        # Nobody, or two people answering to the same login: no guess either way.
        return None
    return _Entry(dn=entries[0]["dn"], attributes=dict(entries[0].get("attributes") or {}))


def _password_accepted(dn: str, password: str) -> bool:
    try:
        connection = _connect(dn, password)
        accepted = connection.bind()
        connection.unbind()
        return bool(accepted)
    except ldap_errors.LDAPException as error:
        logger.error("LDAP: directory unreachable during the password check (%s)", type(error).__name__)
        raise DirectoryUnavailable(type(error).__name__) from error


def _in_admin_group(connection: ldap3.Connection, dn: str) -> bool | None:
    group = _setting("LDAP_ADMIN_GROUP_DN")
    if not group:
        return None
    value = escape_filter_chars(dn)
    if _setting("LDAP_ADMIN_GROUP_NESTED", False):
        member = f"(member:{IN_CHAIN}:={value})"
    else:
        member = f"(|(member={value})(uniqueMember={value}))"
    connection.search(group, member, search_scope=ldap3.BASE, attributes=[], size_limit=1)
    return any(e.get("type") == "searchResEntry" for e in connection.response or [])


def _first(attributes: dict, name: str) -> str:
    value = attributes.get(name)
    if isinstance(value, (list, tuple)):
        value = value[0] if value else ""
    return str(value or "")


def check_password(login: str, password: str) -> DirectoryIdentity | None:
    """The directory identity of the person if the password is theirs; None for a login the directory
    does not know; PasswordRefused for a wrong password; DirectoryUnavailable when it cannot answer."""
    login = (login or "").strip()
    # An empty password would be an "unauthenticated bind", which many servers accept: never send one.
    if not login or not password or len(login) > 256:
        return None
    connection = _service_connection()
    try:
        entry = _find_person(connection, login)
        if entry is None:
            return None
        if not _password_accepted(entry.dn, password):
            raise PasswordRefused(login)
        in_group = _in_admin_group(connection, entry.dn)
    except ldap_errors.LDAPException as error:
        logger.error("LDAP: search failed (%s)", type(error).__name__)
        raise DirectoryUnavailable(type(error).__name__) from error
    finally:
        connection.unbind()
    attributes = entry.attributes
    return DirectoryIdentity(
        method=SignInEvent.Method.LDAP,
        employee_number=employee_number_from(
            attributes.get(_setting("LDAP_EMPLOYEE_NUMBER_ATTRIBUTE", "employeeNumber"))
        ),
        email=_first(attributes, _setting("LDAP_EMAIL_ATTRIBUTE", "mail")),
        first_name=_first(attributes, "givenName"),
        last_name=_first(attributes, "sn"),
        in_admin_group=in_group,
    )
