"""What the holder of a receipt reads about their declaration: its status, the questions asked and the
answers given, the steps meant for the declarer. Never a handler's name, an internal note or a
measure (docs/rules.md, "Who sees what")."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from incidents.models import Event, Incident, Message
from incidents.rules import ANSWER_INFORMATION, INCIDENT_WORKFLOW


@dataclass
class ReportStatus:
    incident: Incident
    messages: list[Message]
    events: QuerySet
    can_answer: bool
    can_add_evidence: bool
    evidence_count: int


def report_status(incident: Incident) -> ReportStatus:
    messages = list(Message.objects.filter(incident=incident).only("kind", "body", "created_at", "answered_at"))
    open_request = any(m.kind == Message.Kind.REQUEST and m.answered_at is None for m in messages)
    return ReportStatus(
        incident=incident,
        messages=messages,
        events=Event.objects.filter(incident=incident, visible_to_declarer=True).only("kind", "created_at"),
        can_answer=open_request and ANSWER_INFORMATION in INCIDENT_WORKFLOW.actions(incident.status),
        can_add_evidence=not incident.is_closed,
        evidence_count=incident.evidence.count(),
    )
