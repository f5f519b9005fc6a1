"""What can be done to an incident, and by whom: the one place for these answers.

- `INCIDENT_WORKFLOW` maps each status to the actions allowed from it and the status each leads to.
- `LEVEL_HANDLER_ACTIONS`, `DCAI_ACTIONS` and `DECLARER_ACTIONS` say who may take each action: the person
  handling the incident at its level (§7.6 manager, §7.4 direction, §7.3 DCAI), DCAI at any level (§7.3),
  the declarer answering a question (§7.7).
- `actions_for` intersects the two: the detail page shows exactly these buttons and every service
  re-checks the same answer on the locked row (`incidents.selectors.available_actions`).
- "Who handles an incident at its level" is answered once (`assignees_handled`), and read three ways:
  for one incident (`is_current_handler`), as a queue (`current_level_scope`) and as the people to tell
  (`handlers_for`). The person concerned never handles it (docs/rules.md).

Pure functions of the person's roles and the incident, except `handlers_for`, which returns a queryset.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import reduce

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from portal.roles import Roles, dcai_officers, direction_leads
from portal.workflow import Workflow

from .models import Incident

Level = Incident.Level
Status = Incident.Status

TAKE_IN_CHARGE = "take_in_charge"
REQUEST_INFORMATION = "request_information"
ANSWER_INFORMATION = "answer_information"
ADD_NOTE = "add_note"
RECORD_MEASURE = "record_measure"
ESCALATE = "escalate"
CLOSE = "close"
RECORD_TAKEDOWN = "record_takedown"  # also "the content was seen removed"
SHARE = "share"  # also withdrawing a share
VIEW_ACCESS_LOG = "view_access_log"
REGISTER = "register"  # the confidentiality-incident register entry of the incident
REOPEN = "reopen"  # DCAI takes a closed incident back, with a reason
# Not a button: the move of an answer when the handler had taken the incident in charge before asking.
ANSWER_WHILE_IN_CHARGE = "answer_information_in_charge"

# DCAI follows every incident at any status, closed ones included (§7.3: e-reputation, the register).
_DCAI_ANYTIME = {RECORD_TAKEDOWN: None, SHARE: None, VIEW_ACCESS_LOG: None, REGISTER: None}
_HANDLING = {ADD_NOTE: None, RECORD_MEASURE: None, ESCALATE: Status.OPEN, CLOSE: Status.CLOSED}

INCIDENT_WORKFLOW = Workflow(
    moves={
        Status.OPEN: {
            TAKE_IN_CHARGE: Status.IN_PROGRESS,
            REQUEST_INFORMATION: Status.AWAITING_DECLARER,
            # A question asked at an earlier level may still wait for its answer.
            ANSWER_INFORMATION: None,
            **_HANDLING,
            **_DCAI_ANYTIME,
        },
        Status.IN_PROGRESS: {
            REQUEST_INFORMATION: Status.AWAITING_DECLARER,
            ANSWER_INFORMATION: None,
            **_HANDLING,
            **_DCAI_ANYTIME,
        },
        Status.AWAITING_DECLARER: {
            REQUEST_INFORMATION: None,
            # The answer gives the incident back to the level: to take in charge, or to the person who had.
            ANSWER_INFORMATION: Status.OPEN,
            ANSWER_WHILE_IN_CHARGE: Status.IN_PROGRESS,
            **_HANDLING,
            **_DCAI_ANYTIME,
        },
        # A reopened incident is DCAI's, taken in charge by the officer who reopened it (incidents.services.reopen).
        Status.CLOSED: {**_DCAI_ANYTIME, REOPEN: Status.IN_PROGRESS},
    },
    labels=dict(Status.choices),
)

_AT_EVERY_LEVEL = frozenset({TAKE_IN_CHARGE, REQUEST_INFORMATION, ADD_NOTE, RECORD_MEASURE})

# What the person handling the incident at its level may do.
LEVEL_HANDLER_ACTIONS: dict[str, frozenset[str]] = {
    # §7.6: the manager assesses, informs the direction, applies measures; closes only what is unfounded.
    Level.MANAGER: _AT_EVERY_LEVEL | {ESCALATE, CLOSE},
    # §7.4: the direction evaluates, takes administrative measures and informs DCAI: it never closes.
    Level.DIRECTION: _AT_EVERY_LEVEL | {ESCALATE},
    # §7.3: DCAI is the last level: it closes, there is no level above it.
    Level.DCAI: _AT_EVERY_LEVEL | {CLOSE},
}
# §7.3: DCAI follows every incident from the first minute (urgent ones before they reach it), looks
# after the e-reputation (takedowns), shares one incident with a named person, reads the access log and
# keeps the confidentiality-incident register; it alone reopens a closed incident (the last level, §7.3).
DCAI_ACTIONS = frozenset({ADD_NOTE, RECORD_TAKEDOWN, SHARE, VIEW_ACCESS_LOG, REGISTER, REOPEN})
# §7.7: the declarer answers the questions asked about their declaration.
DECLARER_ACTIONS = frozenset({ANSWER_INFORMATION})


@dataclass(frozen=True)
class Viewer:
    """What a person is to one incident they can see (computed by `incidents.selectors.viewer_of`)."""

    is_declarer: bool = False
    is_manager: bool = False
    is_direction_lead: bool = False
    is_dcai: bool = False
    is_shared: bool = False
    is_current_handler: bool = False

    @property
    def is_handler(self) -> bool:
        return self.is_manager or self.is_direction_lead or self.is_dcai

    @property
    def sees_internal(self) -> bool:
        """Internal notes, measures, takedowns, routing notes: handlers and the shared person."""
        return self.is_handler or self.is_shared

    @property
    def sees_declarer(self) -> bool:
        """The declarer's identity, when they asked for it to stay with DCAI (docs/rules.md)."""
        return self.is_dcai or self.is_declarer


NOBODY = Viewer()


def actions_for(viewer: Viewer, incident: Incident, *, open_request: bool) -> frozenset[str]:
    """The actions this viewer may take now: allowed by the incident's status and theirs to take."""
    theirs: set[str] = set()
    if viewer.is_current_handler:
        theirs |= LEVEL_HANDLER_ACTIONS.get(incident.level, frozenset())
    if viewer.is_dcai:
        theirs |= DCAI_ACTIONS
    if viewer.is_declarer and open_request:
        theirs |= DECLARER_ACTIONS
    return INCIDENT_WORKFLOW.actions(incident.status) & theirs


def answer_move(incident: Incident) -> str:
    """The move an answer makes: back to the handler who had taken the incident in charge, if any."""
    if incident.status == Status.AWAITING_DECLARER and incident.taken_in_charge_by_id:
        return ANSWER_WHILE_IN_CHARGE
    return ANSWER_INFORMATION


# --- Who handles an incident at its level ----------------------------------------------------------

# The incident field naming who handles it at each level; DCAI handles every incident at its level.
LEVEL_ASSIGNEE = {Level.MANAGER: "assigned_manager_id", Level.DIRECTION: "assigned_direction_id", Level.DCAI: None}


def assignees_handled(roles: Roles, level: str) -> frozenset[int] | bool:
    """At `level`, the assignees (values of `LEVEL_ASSIGNEE[level]`) this person handles for; `True`:
    every incident at that level; `False`: none.

    §7.6: the manager assigned to the incident (the declarer's); §7.4: the head of the assigned direction
    and its delegates; §7.3: every DCAI officer.
    """
    if level == Level.MANAGER:
        return frozenset({roles.profile_id}) if roles.profile_id else False
    if level == Level.DIRECTION:
        return roles.led_direction_ids or False
    if level == Level.DCAI:
        return roles.is_dcai
    return False


def is_concerned(roles: Roles, incident: Incident) -> bool:
    """The person named as concerned by an incident never sees it nor acts on it (docs/rules.md)."""
    return bool(roles.profile_id) and incident.concerned_staff_id == roles.profile_id


def is_current_handler(roles: Roles, incident: Incident) -> bool:
    """Does this person handle the incident at the level where it is now?"""
    if is_concerned(roles, incident):
        return False
    handled = assignees_handled(roles, incident.level)
    if isinstance(handled, bool):
        return handled
    return getattr(incident, LEVEL_ASSIGNEE[incident.level]) in handled


def current_level_scopes(roles: Roles) -> list[Q]:
    """The queue level by level: one condition per level this person handles at (none: no queue).

    The person concerned is left out by the caller's `never_concerned`.
    """
    scopes = []
    for level, field in LEVEL_ASSIGNEE.items():
        handled = assignees_handled(roles, level)
        if handled is not False:
            scopes.append(Q(level=level) if handled is True else Q(level=level, **{f"{field}__in": handled}))
    return scopes


def current_level_scope(roles: Roles) -> Q | None:
    """The incidents waiting at the level where this person handles them (their queue), or None."""
    scopes = current_level_scopes(roles)
    return reduce(operator.or_, scopes) if scopes else None


def handlers_for(incident: Incident, level: str | None = None) -> QuerySet:
    """Active users who handle the incident at its level (or `level`): the same people as
    `assignees_handled`, seen from the incident. Never the person concerned."""
    User = get_user_model()
    level = level or incident.level
    if level == Level.MANAGER and incident.assigned_manager_id:
        users = User.objects.filter(profile=incident.assigned_manager_id, is_active=True)
    elif level == Level.DIRECTION and incident.assigned_direction_id:
        users = direction_leads(incident.assigned_direction)
    elif level == Level.DCAI:
        users = dcai_officers()
    else:
        users = User.objects.none()
    if incident.concerned_staff_id:
        users = users.exclude(profile=incident.concerned_staff_id)
    return users
