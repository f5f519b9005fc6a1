"""Reads about incidents, always scoped to the person asking (docs/architecture.md, "Reads").

`visibility`: who sees which incident and what they may do; `lists`: the lists and queues; `page`: the
incident page; `register`: the confidentiality-incident register.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from ..rules import Viewer
from .holder import HOLDER_RELATED, Holder, holder_of, with_holders
from .lists import (
    RECENTLY_CLOSED_DAYS,
    can_use_queues,
    declarations_of,
    institution_counts,
    queue_counts,
    queue_overdue,
    queue_recently_closed,
    queue_to_handle,
    sees_institution_counts,
)
from .oversight import (
    board_reports_visible_to,
    can_generate_board_reports,
    can_read_board_reports,
    can_see_statistics,
    get_board_report_for,
    leads_general_direction,
)
from .page import IncidentPage, incident_page, timeline_for
from .register import (
    get_register_entry_for,
    may_keep_register,
    register_entries_visible_to,
    register_entry_of,
    register_history,
)
from .search import Criteria, can_search_incidents, search_incidents, urgent_watch
from .visibility import (
    CONFIDENTIAL_DECLARER,
    access_log_of,
    available_actions,
    declarer_label,
    get_evidence_for,
    get_incident_for,
    get_own_declaration_for,
    has_open_request,
    incidents_visible_to,
    never_concerned,
    shared_with,
    viewer_of,
)


def template_flags(user: AbstractBaseUser) -> dict[str, bool]:
    """Named flags for templates (settings.PORTAL_TEMPLATE_FLAGS)."""
    return {
        "declare": user.is_authenticated,
        "use_queues": can_use_queues(user),
        "keep_register": may_keep_register(user),
        "search_incidents": can_search_incidents(user),
        "see_statistics": can_see_statistics(user),
        "read_board_reports": can_read_board_reports(user),
        "generate_board_reports": can_generate_board_reports(user),
    }


__all__ = [
    "CONFIDENTIAL_DECLARER",
    "HOLDER_RELATED",
    "Criteria",
    "Holder",
    "board_reports_visible_to",
    "can_generate_board_reports",
    "can_read_board_reports",
    "can_search_incidents",
    "can_see_statistics",
    "get_board_report_for",
    "holder_of",
    "leads_general_direction",
    "search_incidents",
    "urgent_watch",
    "with_holders",
    "RECENTLY_CLOSED_DAYS",
    "IncidentPage",
    "Viewer",
    "access_log_of",
    "available_actions",
    "can_use_queues",
    "declarations_of",
    "declarer_label",
    "get_evidence_for",
    "get_incident_for",
    "get_own_declaration_for",
    "get_register_entry_for",
    "has_open_request",
    "incident_page",
    "incidents_visible_to",
    "institution_counts",
    "may_keep_register",
    "never_concerned",
    "queue_counts",
    "queue_overdue",
    "queue_recently_closed",
    "queue_to_handle",
    "register_entries_visible_to",
    "register_entry_of",
    "register_history",
    "sees_institution_counts",
    "shared_with",
    "template_flags",
    "timeline_for",
    "viewer_of",
]
