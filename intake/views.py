"""The pages of intake (docs/rules.md, "Anonymous reports").

- `public_report`: the page without an account (patients, visitors, media, the public; §1), off when
  settings.INTAKE_PUBLIC_ENABLED is false (404).
- `anonymous_report`: a signed-in staff member declares without their name: the account is never passed
  to the service, and the request log keeps no identity on these paths (portal.requestlog).
- `follow`: the receipt code opens the status; answers and new evidence come back with a signed form token
  valid INTAKE_FOLLOW_MINUTES (no cookie, no session).

Every POST of the public paths is rate-limited (intake.throttle); a filled honeypot is refused; a wrong
code gets the same answer as an unknown one. None of these pages writes to the session.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from incidents import evidence
from incidents.models import Incident
from incidents.services import incident_add_evidence_unnamed, incident_answer_unnamed
from portal.actions import attempt
from portal.audit.models import AuditRecord
from portal.audit.services import audit_record
from portal.models import Submission
from portal.submissions import submitted_key

from .forms import FollowForm, IntakeDeclarationForm, LookupForm
from .models import Receipt
from .receipts import display_code, receipt_find
from .selectors import report_status
from .services import intake_declare
from .throttle import LOOKUP, REPORT, throttled

TOKEN_SALT = "intake.follow"
# The one-time keys of these forms belong to nobody: a random key per form, so a report sent twice (the
# browser resending it on refresh, a double click) is one report, and no key row ties it to a person.
KEY_OWNER = "intake"


def _refused(request, template: str, context: dict, message: str, status: int):
    context["refusal"] = message
    return render(request, template, context, status=status)


def _report(request, *, public: bool):
    user = None if public else request.user
    context = {"public": public, "limits": evidence.limits(), "max_files": settings.INTAKE_MAX_FILES}
    # Counted before the body (and its files) is read: a flood costs no parsing.
    if request.method == "POST" and throttled(request, REPORT):
        context["form"] = IntakeDeclarationForm(public=public, user=user)
        message = _("Trop de signalements ont été envoyés d'ici : réessayez dans une heure.")
        return _refused(request, "intake/report.html", context, message, 429)
    form = context["form"] = IntakeDeclarationForm(
        request.POST or None, request.FILES or None, public=public, user=user
    )
    if request.method == "POST":
        if form.is_bot():
            return _refused(request, "intake/report.html", context, _("Envoi refusé."), 400)
        if form.is_valid():
            with transaction.atomic():
                if not _claim_key(request):
                    message = _(
                        "Ce signalement a déjà été reçu : il n'est pas enregistré une deuxième fois. Le code de "
                        "suivi n'est montré qu'au premier envoi ; sans lui, vous pouvez envoyer un nouveau "
                        "signalement qui mentionne le premier."
                    )
                    context["form"] = IntakeDeclarationForm(public=public, user=user)
                    return _refused(request, "intake/report.html", context, message, 409)
                outcome = attempt(request, lambda: intake_declare(**form.service_kwargs()), form=form)
                if not outcome.ok:
                    transaction.set_rollback(True)  # keep no key: the corrected form is sent again with it
            if outcome.ok:
                declared = outcome.value
                return render(
                    request,
                    "intake/receipt.html",
                    {"reference": declared.incident.reference, "code": display_code(declared.code), "public": public},
                )
    return render(request, "intake/report.html", context, status=400 if form.errors else 200)


def _claim_key(request) -> bool:
    """False when this form's key was already used (a form without a key, from an older page, is taken)."""
    key = submitted_key(request)
    if key is None:
        return True
    try:
        with transaction.atomic():
            Submission.objects.create(owner=KEY_OWNER, key=key, path=request.path[:300])
    except IntegrityError:
        return False
    return True


@login_not_required
def public_report(request):
    if not settings.INTAKE_PUBLIC_ENABLED:
        raise Http404
    return _report(request, public=True)


def anonymous_report(request):
    return _report(request, public=False)


def _status_page(request, receipt: Receipt, *, form: FollowForm | None = None, sent: bool = False, status=200):
    incident = Incident.objects.get(pk=receipt.incident_id)
    report = report_status(incident)
    token = signing.dumps({"r": receipt.pk}, salt=TOKEN_SALT)
    audit_record(
        kind=AuditRecord.Kind.INCIDENT_VIEW,
        channel=AuditRecord.Channel.ANONYMOUS,
        anonymous=True,
        object_type="incident",
        object_id=incident.pk,
        reference=incident.reference,
        incident_id=incident.pk,
    )
    return render(
        request,
        "intake/status.html",
        {"report": report, "form": form or FollowForm(initial={"token": token}), "token": token, "sent": sent},
        status=status,
    )


def _receipt_from_token(token: str) -> Receipt | None:
    max_age = int(settings.INTAKE_FOLLOW_MINUTES) * 60
    try:
        data = signing.loads(token or "", salt=TOKEN_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    return Receipt.objects.filter(pk=data.get("r")).first() if isinstance(data, dict) else None


@login_not_required
def follow(request):
    if request.method != "POST":
        return render(request, "intake/follow.html", {"form": LookupForm()})
    # Every try counts, before the body is read: a look-up, an answer or new evidence.
    if throttled(request, LOOKUP):
        message = _("Trop d'essais : réessayez dans une heure.")
        return _refused(request, "intake/follow.html", {"form": LookupForm()}, message, 429)
    if "token" in request.POST:
        return _follow_contribution(request)
    form = LookupForm(request.POST)
    receipt = None
    if form.is_valid() and not form.is_bot():
        receipt = receipt_find(form.cleaned_data["code"])
    if receipt is None:
        # One answer for a malformed, unknown or wrong code: nothing tells whether a declaration exists.
        message = _("Ce code ne correspond à aucun signalement. Vérifiez les 16 chiffres.")
        return _refused(request, "intake/follow.html", {"form": LookupForm()}, message, 400)
    return _status_page(request, receipt)


def _follow_contribution(request):
    form = FollowForm(request.POST, request.FILES)
    receipt = _receipt_from_token(request.POST.get("token", ""))
    if receipt is None or form.is_bot():
        message = _("Cette page a expiré : entrez de nouveau votre code de reçu.")
        return _refused(request, "intake/follow.html", {"form": LookupForm()}, message, 400)
    if not form.is_valid():
        return _status_page(request, receipt, form=form, status=400)
    answer = form.cleaned_data.get("answer", "").strip()
    files = form.cleaned_data.get("evidence") or []
    incident = receipt.incident
    if answer:
        call = lambda: incident_answer_unnamed(incident=incident, answer=answer, evidence=files)  # noqa: E731
    else:
        call = lambda: incident_add_evidence_unnamed(incident=incident, evidence=files)  # noqa: E731
    outcome = attempt(request, call, form=form)
    if not outcome.ok:
        return _status_page(request, receipt, form=form, status=400)
    return _status_page(request, receipt, sent=True)
