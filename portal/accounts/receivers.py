"""Django's sign-in signals, written to the audit log (connected in AccountsConfig.ready).

Every path that signs a person in or out goes through django.contrib.auth (the login form, the admin,
the OpenID Connect return, the session timeout), so the log is complete without each view remembering
to write it. Only the identifier a person used is kept, never the credentials Django passes along.
"""

from __future__ import annotations

import time

from .backends import METHOD_ATTR, REFUSAL_ATTR
from .models import SignInEvent
from .services import sign_in_event_record

Kind, Method, Reason = SignInEvent.Kind, SignInEvent.Method, SignInEvent.Reason
SESSION_SIGNED_IN_AT = "portal_signed_in_at"
SESSION_SEEN_AT = "portal_seen_at"
SESSION_METHOD = "portal_sign_in_method"
SIGN_OUT_REASON_ATTR = "portal_sign_out_reason"
IDENTIFIER_ATTR = "portal_sign_in_identifier"

_BACKEND_METHODS = {
    "portal.accounts.backends.DirectoryPasswordBackend": Method.LDAP,
    "portal.accounts.backends.OIDCBackend": Method.OIDC,
}


def on_signed_in(sender, request, user, **kwargs):
    method = _BACKEND_METHODS.get(getattr(user, "backend", ""), Method.PASSWORD)
    if request is None:
        return
    now = time.time()
    if hasattr(request, "session"):
        request.session[SESSION_SIGNED_IN_AT] = now
        request.session[SESSION_SEEN_AT] = now
        request.session[SESSION_METHOD] = method
    reason = ""
    if getattr(user, "portal_created", False):
        reason = Reason.CREATED
    elif getattr(user, "portal_admin_change", ""):
        reason = user.portal_admin_change
    sign_in_event_record(
        request=request,
        kind=Kind.SIGN_IN,
        method=method,
        reason=reason,
        user=user,
        identifier=getattr(request, IDENTIFIER_ATTR, "") or user.get_username(),
    )


def on_signed_out(sender, request, user, **kwargs):
    if request is None or user is None:
        return
    session = getattr(request, "session", None)
    method = session.get(SESSION_METHOD, Method.PASSWORD) if session is not None else Method.PASSWORD
    reason = getattr(request, SIGN_OUT_REASON_ATTR, Reason.BY_PERSON)
    if reason != Reason.BY_PERSON:
        method = Method.SESSION
    sign_in_event_record(request=request, kind=Kind.SIGN_OUT, method=method, reason=reason, user=user)


def on_sign_in_failed(sender, credentials, request=None, **kwargs):
    """A refused password (local or directory). The OpenID Connect return, which has no username, is
    recorded by its own view with the provider's reason."""
    username = (credentials or {}).get("username")
    if request is None or not username:
        return
    reason = getattr(request, REFUSAL_ATTR, "")
    if not reason:
        # django-axes refused before any password was checked, or the password was wrong.
        # (axes counts a failure only when it checked a password; while locked it counts nothing.)
        locked_before = getattr(request, "axes_locked_out", False) and (
            getattr(request, "axes_failures_since_start", None) is None
        )
        reason = Reason.LOCKED_OUT if locked_before else Reason.BAD_CREDENTIALS
    sign_in_event_record(
        request=request,
        kind=Kind.REFUSAL,
        method=getattr(request, METHOD_ATTR, "") or Method.PASSWORD,
        reason=reason,
        identifier=str(username),
    )
