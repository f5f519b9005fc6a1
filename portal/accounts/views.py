"""Sign-in pages: the login page, the OpenID Connect round trip, refusals, sign-out, password reset and
change, and the sign-in log read by DCAI and administrators (docs/rules.md, "Sign-in")."""

from __future__ import annotations

import datetime
import time

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from . import config, oidc, throttle
from .backends import REFUSAL_ATTR, oidc_setting
from .forms import PortalPasswordResetForm, SignInForm, SignInLogFilterForm
from .middleware import SESSION_ENDED
from .models import SignInEvent
from .receivers import IDENTIFIER_ATTR, SESSION_METHOD
from .selectors import may_read_sign_in_log, sign_in_events_filtered
from .services import sign_in_event_record

Kind, Method, Reason = SignInEvent.Kind, SignInEvent.Method, SignInEvent.Reason
SESSION_REFUSAL = "portal_sign_in_refused"
SESSION_ID_TOKEN = "oidc_id_token"
# A sign-in started at the provider and not finished within this time is refused on return.
OIDC_STATE_MAX_AGE = 15 * 60
DEFAULT_LOG_DAYS = 30
LOG_COUNT_CAP = 10_000

# What the person is told, by reason of refusal: (HTTP status, may try again at once).
REFUSAL_PAGES = {
    Reason.UNKNOWN_PERSON: (403, False),
    Reason.DEACTIVATED: (403, False),
    Reason.CANCELLED: (400, True),
    Reason.PROVIDER_UNAVAILABLE: (503, True),
    Reason.PROVIDER_REFUSED: (400, True),
}


def refused_response(request: HttpRequest, reason: str) -> HttpResponse:
    status, retry = REFUSAL_PAGES.get(reason, (400, True))
    return render(
        request,
        "accounts/refused.html",
        {"reason": reason, "retry": retry, "oidc_enabled": config.oidc_enabled()},
        status=status,
    )


class SignInView(auth_views.LoginView):
    """The hospital's account first when a directory is configured; portal passwords as AUTH_LOCAL_LOGIN
    allows (everyone, administrators and break-glass accounts, or nobody)."""

    form_class = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        oidc_on, ldap_on, mode = config.oidc_enabled(), config.ldap_enabled(), config.local_login_mode()
        form_shown = ldap_on or mode != "off"
        context.update(
            oidc_enabled=oidc_on,
            ldap_enabled=ldap_on,
            local_mode=mode,
            password_form_shown=form_shown,
            # With the hospital's account offered first, portal passwords wait behind a disclosure.
            password_form_folded=form_shown and oidc_on and not ldap_on,
            password_form_open=self.request.method == "POST",
            reset_offered=mode != "off",
            session_ended=self.request.session.pop(SESSION_ENDED, ""),
        )
        return context

    def form_invalid(self, form):
        reason = getattr(self.request, REFUSAL_ATTR, "")
        if reason in (Reason.UNKNOWN_PERSON, Reason.DEACTIVATED):
            return refused_response(self.request, reason)
        response = super().form_invalid(form)
        if form.throttled_seconds:
            response.status_code = 429
            response["Retry-After"] = str(form.throttled_seconds)
        return response


@require_POST
@never_cache
def sign_out(request: HttpRequest) -> HttpResponse:
    """Signs out of the portal, and of the provider too after an OpenID Connect sign-in (RP-initiated
    logout), then shows the signed-out page.

    The way to the provider is a page that moves on by itself, not a redirect: a redirect answering a
    form would be blocked by the content security policy (form-action 'self')."""
    signed_out_url = request.build_absolute_uri(reverse("accounts:signed_out"))
    provider_url = ""
    if request.user.is_authenticated and request.session.get(SESSION_METHOD) == Method.OIDC and config.oidc_enabled():
        provider_url = oidc.end_session_url(
            id_token=request.session.get(SESSION_ID_TOKEN, ""), post_logout_redirect_uri=signed_out_url
        )
    auth.logout(request)
    if provider_url:
        return render(request, "accounts/signing_out.html", {"end_session_url": provider_url})
    return HttpResponseRedirect(reverse("accounts:signed_out"))


@login_not_required
@require_GET
def signed_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/signed_out.html", {"oidc_enabled": config.oidc_enabled()})


@login_not_required
@require_GET
@never_cache
def refused(request: HttpRequest) -> HttpResponse:
    reason = request.session.pop(SESSION_REFUSAL, "")
    if not reason:
        return redirect("login")
    return refused_response(request, reason)


@method_decorator(login_not_required, name="dispatch")
@method_decorator(never_cache, name="dispatch")
class OIDCStartView(OIDCAuthenticationRequestView):
    """Off to the provider with `state`, `nonce` and a PKCE challenge (mozilla-django-oidc)."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, **kwargs):
        # The provider is looked up per request (and only here), not when the view is built.
        for key, value in kwargs.items():
            setattr(self, key, value)

    def get(self, request):
        if not config.oidc_enabled():
            raise Http404
        if request.user.is_authenticated:
            return redirect(settings.LOGIN_REDIRECT_URL)
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc.provider().authorization_endpoint
        except oidc.ProviderUnavailable:
            sign_in_event_record(
                request=request, kind=Kind.REFUSAL, method=Method.OIDC, reason=Reason.PROVIDER_UNAVAILABLE
            )
            return refused_response(request, Reason.PROVIDER_UNAVAILABLE)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_CLIENT_ID
        return super().get(request)


@login_not_required
@require_GET
@never_cache
def oidc_callback(request: HttpRequest) -> HttpResponse:
    """The provider's return: the `state` must be one this browser started, then the backend exchanges
    the code (with the PKCE verifier) and checks the ID token and its nonce."""
    if not config.oidc_enabled():
        raise Http404
    state = request.GET.get("state", "")
    states = request.session.get("oidc_states")
    states = states if isinstance(states, dict) else {}
    started = states.pop(state, None) if state else None
    if started is not None:
        # One use per state, whatever happens next.
        request.session["oidc_states"] = states
    if request.GET.get("error"):
        error = request.GET["error"]
        return _oidc_refuse(request, Reason.CANCELLED if error == "access_denied" else Reason.PROVIDER_REFUSED)
    if started is None or not request.GET.get("code"):
        return _oidc_refuse(request, Reason.STATE_MISMATCH)
    if time.time() - float(started.get("added_on") or 0) > OIDC_STATE_MAX_AGE:
        return _oidc_refuse(request, Reason.STATE_MISMATCH)
    user = auth.authenticate(
        request=request, nonce=started.get("nonce"), code_verifier=started.get("code_verifier")
    )
    if user is None or not user.is_active:
        return _oidc_refuse(request, getattr(request, REFUSAL_ATTR, "") or Reason.TOKEN_INVALID)
    next_url = request.session.get("oidc_login_next") or resolve_url(settings.LOGIN_REDIRECT_URL)
    auth.login(request, user)
    id_token = getattr(request, "portal_id_token", "")
    if id_token:
        request.session[SESSION_ID_TOKEN] = id_token
    return HttpResponseRedirect(next_url)


def _oidc_refuse(request: HttpRequest, reason: str) -> HttpResponse:
    sign_in_event_record(
        request=request,
        kind=Kind.REFUSAL,
        method=Method.OIDC,
        reason=reason,
        identifier=getattr(request, IDENTIFIER_ATTR, ""),
    )
    request.session[SESSION_REFUSAL] = reason
    return redirect("accounts:refused")


class PasswordResetView(auth_views.PasswordResetView):
    """Reset links only for accounts allowed a portal password, at most PASSWORD_RESET_PER_EMAIL per
    address and PASSWORD_RESET_PER_CLIENT per client address an hour; the answer never says which."""

    form_class = PortalPasswordResetForm

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        allowed = throttle.password_reset_allowed(self.request, email)
        sign_in_event_record(
            request=self.request,
            kind=Kind.PASSWORD_RESET,
            method=Method.PASSWORD,
            reason=Reason.REQUESTED if allowed else Reason.RATE_LIMITED,
            identifier=email,
        )
        if not allowed:
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not config.local_login_allowed(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


@require_GET
@never_cache
def sign_in_log(request: HttpRequest) -> HttpResponse:
    """§7.3: DCAI and administrators read who signed in, was refused or signed out, when, how and from
    where. Everyone else: 404."""
    if not may_read_sign_in_log(request.user):
        raise Http404
    form = SignInLogFilterForm(request.GET or None)
    filters = form.filters()
    recent_only = not (filters.get("day_from") or filters.get("day_to"))
    if recent_only:
        # The log holds a year: without dates, the last days only (the count stays quick).
        filters["day_from"] = timezone.localdate() - datetime.timedelta(days=DEFAULT_LOG_DAYS - 1)
    events = sign_in_events_filtered(request.user, **filters)
    page = CappedPaginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/sign_in_log.html",
        {
            "filter_form": form,
            "filter_errors": bool(form.errors),
            "page_obj": page,
            "events": page.object_list,
            "recent_only_days": DEFAULT_LOG_DAYS if recent_only else 0,
            "log_count_cap": LOG_COUNT_CAP,
        },
    )


class CappedPaginator(Paginator):
    """Counts at most LOG_COUNT_CAP rows: a year of a hospital's sign-ins is millions of rows, and an exact
    count would cost more than the page itself. Past the cap the page asks for narrower filters."""

    @cached_property
    def count(self) -> int:
        return self.object_list.values("pk")[: LOG_COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > LOG_COUNT_CAP


@login_not_required
def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin site signs in through the portal's page (same limits, same directory, same log)."""
    if request.user.is_authenticated:
        raise PermissionDenied
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))
