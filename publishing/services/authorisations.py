"""Disclosure authorisation requests (§6.2): ask, question, answer, authorise, refuse."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents.evidence import CleanFile
from portal.models import Direction
from portal.notifications.services import notify_people
from portal.roles import dcai_officers, direction_leads, roles_for
from portal.workflow import lock, record_event, transition

from .. import rules
from ..files import file_fields, remove_private, store
from ..models import AuthorisationAttachment, AuthorisationCounter, AuthorisationEvent, AuthorisationRequest

Action = AuthorisationEvent.Action


@dataclass(frozen=True)
class AuthorisationData:
    subject: str
    medium: str
    audience: str
    purpose: str
    wanted_until: datetime.date
    draft_text: str = ""


def allocate_reference(year: int) -> str:
    """AUT-YYYY-NNNNN from a per-year counter row locked for the length of the transaction (as incidents)."""
    AuthorisationCounter.objects.bulk_create([AuthorisationCounter(year=year, last=0)], ignore_conflicts=True)
    counter = AuthorisationCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"AUT-{year}-{counter.last:05d}"


def _text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message}, code="required")
    return value


def _checked(data: AuthorisationData) -> AuthorisationData:
    errors = {}
    for field, message in (
        ("subject", _("Décrivez ce qui serait divulgué.")),
        ("medium", _("Indiquez où l'information serait divulguée.")),
        ("audience", _("Indiquez le public visé.")),
        ("purpose", _("Indiquez pourquoi.")),
    ):
        if not (getattr(data, field) or "").strip():
            errors[field] = message
    if data.wanted_until < timezone.localdate():
        errors["wanted_until"] = _("La date de fin ne peut pas être passée.")
    if errors:
        raise ValidationError(errors)
    return AuthorisationData(
        subject=data.subject.strip(),
        medium=data.medium.strip(),
        audience=data.audience.strip(),
        purpose=data.purpose.strip(),
        wanted_until=data.wanted_until,
        draft_text=(data.draft_text or "").strip(),
    )


def deciders() -> list:
    """§6.2: DCAI officers and the head and delegates of the general direction."""
    general = Direction.objects.filter(role=Direction.Role.GENERAL).first()
    people = list(dcai_officers())
    if general is not None:
        people += list(direction_leads(general))
    return people


def authorisation_request(
    *,
    requester: AbstractBaseUser,
    data: AuthorisationData,
    files: list[CleanFile] | None = None,
    replaces: AuthorisationRequest | None = None,
) -> AuthorisationRequest:
    """§6.2: a staff member asks DCAI or the general direction before disclosing. A change to an earlier
    request is a new request pointing to it (the earlier one is never edited)."""
    roles = roles_for(requester)
    if not rules.may_request(roles):
        raise PermissionDenied
    data = _checked(data)
    written: list[str] = []
    try:
        with transaction.atomic():
            if replaces is not None:
                replaces = lock(replaces)
                rules.require_action(roles, requester, replaces, "replace")
            request = AuthorisationRequest.objects.create(
                reference=allocate_reference(timezone.localdate().year),
                requester=requester,
                direction_id=roles.direction_id,
                replaces=replaces,
                subject=data.subject,
                medium=data.medium,
                audience=data.audience,
                purpose=data.purpose,
                wanted_until=data.wanted_until,
                draft_text=data.draft_text,
            )
            for clean in files or []:
                written.append(store(clean))
                AuthorisationAttachment.objects.create(request=request, **file_fields(clean, written[-1], requester))
            record_event(
                request,
                actor=requester,
                before="",
                after=request.status,
                note=replaces.reference if replaces else "",
                action=Action.SUBMITTED,
            )
            notify_people("publishing.authorisation_submitted", deciders(), target=request, actor=requester)
    except BaseException:
        remove_private(written)
        raise
    return request


def _locked(request: AuthorisationRequest, actor: AbstractBaseUser, action: str) -> AuthorisationRequest:
    request = lock(request, "requester")
    rules.require_action(roles_for(actor), actor, request, action)
    return request


def authorisation_ask(*, request: AuthorisationRequest, actor: AbstractBaseUser, question: str) -> AuthorisationRequest:
    """§6.2: a decider asks the requester a question before deciding."""
    question = _text(question, "question", _("Écrivez votre question."))
    with transaction.atomic():
        request = _locked(request, actor, "ask")
        transition(
            request,
            workflow=rules.AUTHORISATION_WORKFLOW,
            action="ask",
            actor=actor,
            note=question,
            event={"action": Action.QUESTION},
        )
        notify_people("publishing.authorisation_question", [request.requester_id], target=request, actor=actor)
    return request


def authorisation_answer(
    *, request: AuthorisationRequest, actor: AbstractBaseUser, answer: str
) -> AuthorisationRequest:
    """§6.2: the requester answers; the request waits for a decision again and the person who asked is told."""
    answer = _text(answer, "answer", _("Écrivez votre réponse."))
    with transaction.atomic():
        request = _locked(request, actor, "answer")
        asked_by = (
            request.events.filter(action=Action.QUESTION)
            .order_by("-created_at", "-id")
            .values_list("actor_id", flat=True)
            .first()
        )
        transition(
            request,
            workflow=rules.AUTHORISATION_WORKFLOW,
            action="answer",
            actor=actor,
            note=answer,
            event={"action": Action.ANSWER},
        )
        notify_people(
            "publishing.authorisation_answered", [asked_by] if asked_by else deciders(), target=request, actor=actor
        )
    return request


def _tell_decision(request: AuthorisationRequest, actor: AbstractBaseUser, outcome: str, context: dict) -> None:
    notify_people(
        f"publishing.authorisation_{outcome}", [request.requester_id], target=request, actor=actor, context=context
    )
    profile = getattr(request.requester, "profile", None)
    manager = profile.manager if profile is not None else None
    if manager is not None and manager.is_active:
        # The manager cannot open the request: the notification names the reference and the decision only.
        notify_people(
            f"publishing.team_authorisation_{outcome}",
            [manager.user_id],
            target=request,
            actor=actor,
            context=context,
            link=reverse("notifications:list"),
        )


def _decide(
    request: AuthorisationRequest, actor: AbstractBaseUser, action: str, event: str, fields: dict
) -> AuthorisationRequest:
    request = _locked(request, actor, action)
    for name, value in fields.items():
        setattr(request, name, value)
    request.decided_by = actor
    request.decided_as = rules.decider_role(roles_for(actor))
    request.decided_at = timezone.now()
    transition(
        request,
        workflow=rules.AUTHORISATION_WORKFLOW,
        action=action,
        actor=actor,
        note=fields.get("conditions") or fields.get("refusal_reason") or "",
        update_fields=["decided_by", "decided_as", "decided_at", *fields],
        event={"action": event},
    )
    return request


def authorisation_authorise(
    *, request: AuthorisationRequest, actor: AbstractBaseUser, valid_until: datetime.date | None, conditions: str = ""
) -> AuthorisationRequest:
    """§6.2: DCAI or the general direction authorises, with its conditions and an end date; the requester
    gets the reference to quote, their manager learns of the decision (not of the content)."""
    if valid_until is None:
        raise ValidationError({"valid_until": _("Indiquez jusqu'à quand la divulgation est autorisée.")})
    if valid_until < timezone.localdate():
        raise ValidationError({"valid_until": _("La date de fin ne peut pas être passée.")})
    with transaction.atomic():
        request = _decide(
            request,
            actor,
            "authorise",
            Action.AUTHORISED,
            {"valid_until": valid_until, "conditions": (conditions or "").strip()},
        )
        _tell_decision(request, actor, "authorised", {"valid_until": valid_until})
    return request


def authorisation_refuse(
    *, request: AuthorisationRequest, actor: AbstractBaseUser, reason: str
) -> AuthorisationRequest:
    """§6.2: a refusal always says why."""
    reason = _text(reason, "refusal_reason", _("Indiquez le motif du refus."))
    with transaction.atomic():
        request = _decide(request, actor, "refuse", Action.REFUSED, {"refusal_reason": reason})
        _tell_decision(request, actor, "refused", {})
    return request
