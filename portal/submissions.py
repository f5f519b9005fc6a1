"""One-time submission keys for the forms that create something (docs/rules.md, "portal rule"): a replay or a
concurrent duplicate of the same form returns the first result, never a second object.

A create form carries a fresh key: `{% load submissions %}{% submission_key %}` inside the `<form>`. Its view
runs the service through `attempt_once` instead of `portal.actions.attempt`, and sends the person to the page
the result leads to:

    outcome = attempt_once(request, lambda: incident_declare(...), form=form,
                           result_url=lambda incident: reverse("incidents:confirmation", args=[incident.pk]))
    if outcome.ok:
        return redirect(outcome.url)

In one transaction the key is written first (unique per person), then the service runs, then the page of the
result is stored with the key. A second request with the same key (a double click on a slow network, the
browser resending the form) waits on the first one's unique-key lock (PostgreSQL) or write lock (SQLite),
then finds the stored page and is sent there with a short message: the person sees the same confirmation and
nothing is created twice. A refused submission (the service raised ValidationError) keeps nothing, so the
person corrects the form and sends it again.

A POST without a key (a page opened before the key existed, a script) is keyed by its content for
settings.PORTAL_SUBMISSION_FINGERPRINT_SECONDS: the same body sent twice at once is still one object.
Keys are purged after settings.PORTAL_SUBMISSION_KEEP_DAYS (`submissions_purge`, daily).
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.forms import Form
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from .actions import Outcome, attempt, errors_to_form
from .models import Submission

logger = logging.getLogger(__name__)

FIELD = "submission_key"
_KEY_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_NOT_HASHED = {"csrfmiddlewaretoken", FIELD}


def new_key() -> str:
    """A fresh key for one rendering of a create form."""
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class OnceOutcome(Outcome):
    """`portal.actions.Outcome` plus the page to go to; `replayed` when an earlier submission answered."""

    url: str = ""
    replayed: bool = False


def _owner(request: HttpRequest) -> str | None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        return f"session:{session.session_key}"
    return None


def submitted_key(request: HttpRequest) -> str | None:
    """The form's key, or None when it has none (or a malformed one)."""
    key = request.POST.get(FIELD, "")
    return key if _KEY_SHAPE.match(key) else None


def fingerprint(request: HttpRequest) -> str:
    """A key made from the request's content: path, fields (not the CSRF token) and files."""
    digest = hashlib.sha256(request.path.encode())
    for name in sorted(request.POST):
        if name in _NOT_HASHED:
            continue
        for value in request.POST.getlist(name):
            digest.update(f"\0{name}={value}".encode())
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            digest.update(f"\0{name}:{upload.name}:{upload.size}".encode())
            try:
                upload.seek(0)
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
            except (OSError, ValueError):  # already closed by the form: its name and size are enough
                pass
    return "auto:" + digest.hexdigest()[:64]


def _replay(request: HttpRequest, first: Submission | None, form: Form | None) -> OnceOutcome:
    if first is None or not first.result_url:
        error = ValidationError(
            _("Ce formulaire est déjà en cours d'envoi : patientez un instant, puis vérifiez le résultat.")
        )
        if form is not None:
            errors_to_form(form, error)
        else:
            messages.error(request, " ".join(error.messages))
        return OnceOutcome(ok=False, error=error)
    messages.info(
        request,
        _(
            "Ce formulaire avait déjà été envoyé : voici le résultat du premier envoi. "
            "Rien n'a été enregistré en double."
        ),
    )
    return OnceOutcome(ok=True, url=first.result_url, replayed=True)


def attempt_once(
    request: HttpRequest,
    call: Callable[[], Any],
    *,
    result_url: Callable[[Any], str],
    form: Form | None = None,
    success: str | Callable[[Any], str] | None = None,
) -> OnceOutcome:
    """`portal.actions.attempt`, once per submission key (see the module docstring)."""
    owner = _owner(request)
    if owner is None:
        outcome = attempt(request, call, form=form, success=success)
        url = result_url(outcome.value) if outcome.ok else ""
        return OnceOutcome(ok=outcome.ok, value=outcome.value, error=outcome.error, url=url)
    key = submitted_key(request)
    by_content = key is None
    if by_content:
        key = fingerprint(request)
    with transaction.atomic():
        if by_content:
            window = datetime.timedelta(seconds=settings.PORTAL_SUBMISSION_FINGERPRINT_SECONDS)
            Submission.objects.filter(owner=owner, key=key, created_at__lt=timezone.now() - window).delete()
        try:
            with transaction.atomic():
                submission = Submission.objects.create(owner=owner, key=key, path=request.path[:300])
        except IntegrityError:
            # Written by an earlier request, or by a concurrent one that has just committed.
            return _replay(request, Submission.objects.filter(owner=owner, key=key).first(), form)
        outcome = attempt(request, call, form=form)
        if not outcome.ok:
            transaction.set_rollback(True)  # keep no key: the corrected form may use it again
            return OnceOutcome(ok=False, error=outcome.error)
        url = result_url(outcome.value)
        Submission.objects.filter(pk=submission.pk).update(result_url=url[:300])
    if success:
        messages.success(request, success(outcome.value) if callable(success) else success)
    return OnceOutcome(ok=True, value=outcome.value, url=url)


def submissions_purge(*, now: datetime.datetime | None = None) -> int:
    """Forget keys older than settings.PORTAL_SUBMISSION_KEEP_DAYS (a form left open longer is sent anew)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.PORTAL_SUBMISSION_KEEP_DAYS)
    deleted, _by_model = Submission.objects.filter(created_at__lt=cutoff).delete()
    return deleted
