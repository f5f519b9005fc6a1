"""Session limits: signed out after SESSION_IDLE_MINUTES without a request, and SESSION_MAX_HOURS after
signing in whatever the activity (hospital workstations are shared). docs/rules.md, "Sign-in"."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django_htmx.http import HttpResponseClientRedirect

from .models import SignInEvent
from .receivers import SESSION_SEEN_AT, SESSION_SIGNED_IN_AT, SIGN_OUT_REASON_ATTR

Reason = SignInEvent.Reason
SESSION_ENDED = "portal_session_ended"
# The last-seen time is written at most this often, so an active person's requests rarely write the session.
TOUCH_EVERY_SECONDS = 60


def session_end_reason(session, now: float) -> str:
    """Reason.IDLE_TIMEOUT, Reason.LIFETIME_EXCEEDED or "" while the session may go on."""
    signed_in_at = session.get(SESSION_SIGNED_IN_AT)
    seen_at = session.get(SESSION_SEEN_AT)
    if signed_in_at is None or seen_at is None:
        return ""
    if now - float(signed_in_at) > float(settings.SESSION_MAX_HOURS) * 3600:
        return Reason.LIFETIME_EXCEEDED
    if now - float(seen_at) > float(settings.SESSION_IDLE_MINUTES) * 60:
        return Reason.IDLE_TIMEOUT
    return ""


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            session = request.session
            now = time.time()
            if session.get(SESSION_SIGNED_IN_AT) is None:
                # A session opened before these limits existed: it starts counting now.
                session[SESSION_SIGNED_IN_AT] = session[SESSION_SEEN_AT] = now
            reason = session_end_reason(session, now)
            if reason:
                return self._sign_out(request, reason)
            if now - float(session[SESSION_SEEN_AT]) >= TOUCH_EVERY_SECONDS:
                session[SESSION_SEEN_AT] = now
        return self.get_response(request)

    def _sign_out(self, request, reason: str):
        setattr(request, SIGN_OUT_REASON_ATTR, reason)
        path = request.get_full_path()
        logout(request)
        request.session[SESSION_ENDED] = reason
        if request.headers.get("HX-Request") == "true":
            # A fragment request would otherwise swap the sign-in page into the middle of a page:
            # the whole page goes to the sign-in page, which brings the person back to it.
            current = urlsplit(request.headers.get("HX-Current-URL", ""))
            back = current.path + (f"?{current.query}" if current.query else "") if current.path else "/"
            return HttpResponseClientRedirect(redirect_to_login(back)["Location"])
        return redirect_to_login(path)
