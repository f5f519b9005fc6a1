"""What the declarer of an anonymous or external declaration does with their receipt (intake/): answer
DCAI's question and add evidence (§7.7). Nobody is signed in: the receipt was checked by the caller, so
these steps carry no actor and keep no identity (docs/rules.md, "Anonymous reports")."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from portal.workflow import lock

from .. import rules
from ..evidence import CleanFile, remove_private
from ..models import Event, Incident, Message
from ..rules import INCIDENT_WORKFLOW, handlers_for
from ._common import IncidentActionError, log, notify_about
from .declare import attach_evidence
from .handling import record_answer


def _require_unnamed(incident: Incident) -> None:
    if incident.declarer_id is not None or incident.source == Incident.Source.STAFF:
        raise IncidentActionError(_("Cette déclaration se suit depuis le portail, avec votre compte."))
    if incident.is_closed:
        raise IncidentActionError(_("Ce dossier est fermé : il ne peut plus être complété."))


def incident_answer_unnamed(
    *, incident: Incident, answer: str, evidence: list[CleanFile] | None = None
) -> Message:
    """Answer the open question of an anonymous or external declaration; the deadline resumes."""
    answer = answer.strip()
    if not answer:
        raise IncidentActionError(_("Écrivez votre réponse."))
    written: list[str] = []
    try:
        with transaction.atomic():
            incident = lock(incident)
            _require_unnamed(incident)
            open_request = incident.messages.filter(kind=Message.Kind.REQUEST, answered_at__isnull=True).exists()
            if not open_request or rules.ANSWER_INFORMATION not in INCIDENT_WORKFLOW.actions(incident.status):
                raise IncidentActionError(_("Aucune question n'attend votre réponse."))
            return record_answer(incident, actor=None, answer=answer, evidence=evidence, written=written)
    except Exception:
        remove_private(written)
        raise


def incident_add_evidence_unnamed(*, incident: Incident, evidence: list[CleanFile]) -> int:
    """Add evidence to an open anonymous or external declaration; the handlers are told."""
    if not evidence:
        raise IncidentActionError(_("Joignez au moins un fichier."))
    written: list[str] = []
    try:
        with transaction.atomic():
            incident = lock(incident)
            _require_unnamed(incident)
            attach_evidence(incident, evidence, actor=None, written=written)
            log(incident, kind=Event.Kind.EVIDENCE_ADDED, actor=None, visible_to_declarer=True, note=str(len(evidence)))
            notify_about(incident, "incidents.information_provided", handlers_for(incident))
    except Exception:
        remove_private(written)
        raise
    return len(evidence)
