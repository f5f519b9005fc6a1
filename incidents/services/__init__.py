"""Writes about incidents: each state change is one function (docs/architecture.md, "State changes")."""

from ._common import IncidentActionError
from .access import access_log_record
from .declare import incident_declare
from .handling import (
    incident_add_note,
    incident_answer_information,
    incident_close,
    incident_escalate,
    incident_record_measure,
    incident_record_takedown,
    incident_record_takedown_removed,
    incident_request_information,
    incident_take_in_charge,
)
from .overdue import incidents_escalate_overdue
from .register import register_entry_create, register_entry_update
from .reopen import incident_reopen
from .reports import board_report_generate
from .sharing import incident_share, incident_unshare
from .unnamed import incident_add_evidence_unnamed, incident_answer_unnamed

__all__ = [
    "IncidentActionError",
    "incident_add_evidence_unnamed",
    "incident_answer_unnamed",
    "access_log_record",
    "board_report_generate",
    "incident_add_note",
    "incident_answer_information",
    "incident_close",
    "incident_declare",
    "incident_escalate",
    "incident_record_measure",
    "incident_record_takedown",
    "incident_record_takedown_removed",
    "incident_reopen",
    "incident_request_information",
    "incident_share",
    "incident_take_in_charge",
    "incident_unshare",
    "incidents_escalate_overdue",
    "register_entry_create",
    "register_entry_update",
]
