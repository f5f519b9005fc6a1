"""Handling an incident at its level: manager (§7.6), direction (§7.4), DCAI (§7.3).

Each function locks the incident, re-checks that the actor may act now (`require`: the status map of
`incidents.rules` and who may act), writes the change and an event row, and writes its notifications,
in one transaction.
"""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.roles import dcai_officers, direction_leads
from portal.workflow import lock

from .. import rules
from ..evidence import CleanFile, remove_private
from ..models import Event, Incident, InternalNote, Measure, Message, Takedown
from ..pause import PAUSE_FIELDS, clear_pause, pause_deadline, resume_deadline
from ..routing import next_route
from ..rules import handlers_for
from ._common import (
    MOVE_FIELDS,
    IncidentActionError,
    Level,
    change,
    first_taken_in_charge,
    level_context,
    log,
    move_to,
    notify_about,
    notify_declarer,
    notify_routed,
    require,
)
from .compliance import require_register_decision
from .declare import attach_evidence


def incident_take_in_charge(*, incident: Incident, actor: AbstractBaseUser) -> Incident:
    """The handler at the current level takes the incident in charge (§7.6 assess; §7.4 evaluate)."""
    with transaction.atomic():
        incident = lock(incident)
        require(actor, incident, rules.TAKE_IN_CHARGE)
        tell_declarer = first_taken_in_charge(incident)
        incident.taken_in_charge_by = actor
        incident.taken_in_charge_at = timezone.now()
        # The first time the level took it in charge, for the statistics (time to take in charge).
        taken_at_level = f"taken_{incident.level}_at"
        if getattr(incident, taken_at_level) is None:
            setattr(incident, taken_at_level, incident.taken_in_charge_at)
        change(
            incident,
            action=rules.TAKE_IN_CHARGE,
            kind=Event.Kind.TAKEN_IN_CHARGE,
            actor=actor,
            visible_to_declarer=True,
            update_fields=["taken_in_charge_by", "taken_in_charge_at", taken_at_level],
        )
        if tell_declarer:
            notify_declarer(incident, "taken", actor=actor, context=level_context(incident))
    return incident


def incident_request_information(*, incident: Incident, actor: AbstractBaseUser, question: str) -> Message:
    """Ask the declarer for more information; they answer in the portal (§7.7)."""
    question = question.strip()
    if not question:
        raise IncidentActionError(_("Écrivez votre question au déclarant."))
    with transaction.atomic():
        incident = lock(incident)
        require(actor, incident, rules.REQUEST_INFORMATION)
        message = Message.objects.create(
            incident=incident, kind=Message.Kind.REQUEST, author=actor, level=incident.level, body=question
        )
        # The deadline waits with the handler for the answer (incidents.pause).
        pause_deadline(incident, timezone.now())
        change(
            incident,
            action=rules.REQUEST_INFORMATION,
            kind=Event.Kind.INFORMATION_REQUESTED,
            actor=actor,
            visible_to_declarer=True,
            update_fields=PAUSE_FIELDS,
        )
        notify_about(incident, "incidents.information_requested", [incident.declarer_id], actor=actor)
    return message


def incident_answer_information(
    *, incident: Incident, actor: AbstractBaseUser, answer: str, evidence: list[CleanFile] | None = None
) -> Message:
    """§7.7: the declarer answers a request; the handlers of the current level are told. The incident
    goes back to the level: to take in charge, or to the person who had taken it in charge."""
    answer = answer.strip()
    if not answer:
        raise IncidentActionError(_("Écrivez votre réponse."))
    written: list[str] = []
    try:
        with transaction.atomic():
            incident = lock(incident)
            require(actor, incident, rules.ANSWER_INFORMATION)
            message = record_answer(incident, actor=actor, answer=answer, evidence=evidence, written=written)
    except Exception:
        remove_private(written)
        raise
    return message


def record_answer(
    incident: Incident,
    *,
    actor: AbstractBaseUser | None,
    answer: str,
    evidence: list[CleanFile] | None,
    written: list[str],
) -> Message:
    """The answer's writes on a locked incident whose declarer may answer now (checked by the caller):
    the request is answered, the deadline resumes (incidents.pause), the handlers are told.
    `actor` is None for an anonymous or external declarer (intake/)."""
    now = timezone.now()
    incident.messages.filter(kind=Message.Kind.REQUEST, answered_at__isnull=True).update(answered_at=now)
    message = Message.objects.create(
        incident=incident, kind=Message.Kind.ANSWER, author=actor, level=incident.level, body=answer
    )
    resume_deadline(incident, now)
    change(
        incident,
        action=rules.answer_move(incident),
        kind=Event.Kind.INFORMATION_PROVIDED,
        actor=actor,
        visible_to_declarer=True,
        update_fields=PAUSE_FIELDS,
    )
    if evidence:
        attach_evidence(incident, evidence, actor=actor, written=written)
        log(incident, kind=Event.Kind.EVIDENCE_ADDED, actor=actor, visible_to_declarer=True, note=str(len(evidence)))
    notify_about(incident, "incidents.information_provided", handlers_for(incident), actor=actor)
    return message


def incident_add_note(*, incident: Incident, actor: AbstractBaseUser, body: str) -> InternalNote:
    """An internal note: handlers only, never the declarer (docs/rules.md). Nobody is notified.

    The handler at the level, or DCAI, which follows every incident (§7.3)."""
    body = body.strip()
    if not body:
        raise IncidentActionError(_("La note est vide."))
    with transaction.atomic():
        incident = lock(incident)
        require(actor, incident, rules.ADD_NOTE)
        note = InternalNote.objects.create(incident=incident, author=actor, level=incident.level, body=body)
        log(incident, kind=Event.Kind.NOTE_ADDED, actor=actor)
    return note


def incident_record_measure(
    *,
    incident: Incident,
    actor: AbstractBaseUser,
    kind: str,
    decided_by: str,
    decided_on: date,
    description: str,
) -> Measure:
    """An administrative or disciplinary measure (§7.6 managers; §7.4 directions take administrative ones)."""
    if kind not in Measure.Kind.values:
        raise IncidentActionError(_("Type de mesure inconnu."))
    if not decided_by.strip() or not description.strip():
        raise IncidentActionError(_("Indiquez qui a décidé la mesure et en quoi elle consiste."))
    if decided_on > timezone.localdate():
        raise IncidentActionError(_("La date de décision ne peut pas être dans le futur."))
    with transaction.atomic():
        incident = lock(incident)
        require(actor, incident, rules.RECORD_MEASURE)
        measure = Measure.objects.create(
            incident=incident,
            kind=kind,
            decided_by=decided_by.strip(),
            decided_on=decided_on,
            description=description.strip(),
            level=incident.level,
            recorded_by=actor,
        )
        log(incident, kind=Event.Kind.MEASURE_RECORDED, actor=actor, note=measure.get_kind_display())
    return measure


def incident_escalate(*, incident: Incident, actor: AbstractBaseUser, assessment: str) -> Incident:
    """Inform the next level with an assessment: manager → direction (§7.6), direction → DCAI (§7.4).

    A level is skipped when the person concerned would handle it (routing rules).
    """
    assessment = assessment.strip()
    if not assessment:
        raise IncidentActionError(_("Joignez votre évaluation de la situation."))
    with transaction.atomic():
        incident = lock(incident)
        require(actor, incident, rules.ESCALATE)
        route = next_route(incident)
        if route is None:  # pragma: no cover - "escalate" is only offered below DCAI
            raise IncidentActionError(_("Cet incident est déjà au dernier niveau."))
        from_level = incident.level
        move_to(incident, route, timezone.now())
        change(
            incident,
            action=rules.ESCALATE,
            kind=Event.Kind.ESCALATED,
            actor=actor,
            from_level=from_level,
            note=assessment,
            reason=route.why,
            visible_to_declarer=True,
            update_fields=MOVE_FIELDS,
        )
        notify_routed(incident, actor=actor)
        notify_declarer(incident, incident.level, actor=actor, context=level_context(incident))
    return incident


def earlier_handlers(incident: Incident) -> list[AbstractBaseUser]:
    """The manager and the direction's leads who had the incident below DCAI (told of its closure)."""
    users = []
    if incident.assigned_manager_id:
        users.append(incident.assigned_manager.user)
    if incident.assigned_direction_id:
        users.extend(direction_leads(incident.assigned_direction))
    return users


def incident_close(
    *,
    incident: Incident,
    actor: AbstractBaseUser,
    outcome: str,
    reason: str = "",
    takedown_requested: bool = False,
    reply_published: bool = False,
) -> Incident:
    """Close an incident.

    A manager may only close as unfounded, with a reason (§7.6); DCAI sees that closure. A direction
    never closes: it informs DCAI (§7.4). DCAI closes with an outcome and the e-reputation actions
    taken (§7.3).
    """
    reason = reason.strip()
    if outcome not in Incident.Outcome.values:
        raise IncidentActionError(_("Choisissez l'issue du dossier."))
    if outcome == Incident.Outcome.UNFOUNDED and not reason:
        raise IncidentActionError(_("Expliquez pourquoi l'incident est non fondé."))
    with transaction.atomic():
        incident = lock(incident)
        require(actor, incident, rules.CLOSE)
        if incident.level == Level.MANAGER:
            if outcome != Incident.Outcome.UNFOUNDED:
                raise IncidentActionError(
                    _("Un gestionnaire ferme seulement un incident non fondé ; sinon, informez la direction.")
                )
            takedown_requested = reply_published = False
        elif incident.level == Level.DCAI:
            # Quebec privacy law: personal information possibly exposed -> register entry or reasoned decision.
            require_register_decision(incident)
        closed_at_level = incident.level
        incident.level = Level.CLOSED
        incident.outcome = outcome
        incident.closure_reason = reason
        incident.takedown_requested = bool(takedown_requested) or incident.takedown_requested
        incident.reply_published = bool(reply_published)
        incident.closed_at = timezone.now()
        incident.closed_by = actor
        incident.closed_at_level = closed_at_level
        incident.deadline_at = None
        clear_pause(incident)
        change(
            incident,
            action=rules.CLOSE,
            kind=Event.Kind.CLOSED,
            actor=actor,
            from_level=closed_at_level,
            note=reason,
            visible_to_declarer=True,
            update_fields=None,
            outcome=outcome,
        )
        context = {"outcome": outcome, "level": closed_at_level}
        notify_declarer(incident, Level.CLOSED, actor=actor, context=context)
        if closed_at_level == Level.MANAGER:
            notify_about(incident, "incidents.closed_by_manager", dcai_officers(), actor=actor, context=context)
        else:
            notify_about(incident, "incidents.closed", earlier_handlers(incident), actor=actor, context=context)
    return incident


def incident_record_takedown(
    *,
    incident: Incident,
    actor: AbstractBaseUser,
    requested_to: str,
    requested_at: datetime,
    details: str = "",
) -> Takedown:
    """DCAI asks the platform or the author to remove the content (§7.3 e-reputation)."""
    if requested_to not in Takedown.RequestedTo.values:
        raise IncidentActionError(_("Indiquez à qui le retrait a été demandé."))
    if requested_at > timezone.now():
        raise IncidentActionError(_("La date de la demande ne peut pas être dans le futur."))
    with transaction.atomic():
        incident = lock(incident)
        require(actor, incident, rules.RECORD_TAKEDOWN)
        takedown = Takedown.objects.create(
            incident=incident,
            requested_to=requested_to,
            requested_at=requested_at,
            details=details.strip(),
            recorded_by=actor,
        )
        incident.takedown_requested = True
        incident.save(update_fields=["takedown_requested", "updated_at"])
        log(incident, kind=Event.Kind.TAKEDOWN_REQUESTED, actor=actor, note=takedown.get_requested_to_display())
    return takedown


def incident_record_takedown_removed(
    *, incident: Incident, actor: AbstractBaseUser, takedown_id: int, removed_seen_at: datetime
) -> Takedown:
    """§7.3: DCAI saw the content gone: the takedown is complete and the content no longer online."""
    with transaction.atomic():
        incident = lock(incident)
        require(actor, incident, rules.RECORD_TAKEDOWN)
        takedown = Takedown.objects.select_for_update().filter(pk=takedown_id, incident=incident).first()
        if takedown is None:
            raise IncidentActionError(_("Demande de retrait introuvable."))
        if takedown.removed_seen_at is not None:
            raise IncidentActionError(_("Le retrait est déjà consigné."))
        if removed_seen_at > timezone.now() or removed_seen_at < takedown.requested_at:
            raise IncidentActionError(
                _("La date du retrait doit suivre la demande et ne pas être dans le futur.")
            )
        takedown.removed_seen_at = removed_seen_at
        takedown.save(update_fields=["removed_seen_at"])
        incident.still_online = Incident.StillOnline.NO
        incident.save(update_fields=["still_online", "updated_at"])
        log(incident, kind=Event.Kind.TAKEDOWN_REMOVED, actor=actor)
    return takedown
