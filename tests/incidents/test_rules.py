"""The one place of "what can be done, by whom" (incidents.rules; §7.3, §7.4, §7.6, §7.7; docs/rules.md).

The page's buttons are the status map intersected with who may act; a button shown is an action the
service accepts, an action not shown is refused; "who handles an incident at its level" is one rule
read three ways (one incident, a queue, the people to tell).
"""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from incidents import rules, services
from incidents.models import Incident
from incidents.rules import INCIDENT_WORKFLOW, actions_for, handlers_for, is_current_handler
from incidents.selectors import available_actions, queue_to_handle, viewer_of
from portal.roles import roles_for

from .factories import declare

S = Incident.Status
PEOPLE = ["alice", "bob", "carol", "diane", "dora", "harry", "oscar", "olga"]


def test_every_status_has_its_moves():
    assert set(INCIDENT_WORKFLOW.moves) == set(S.values)
    # A closed incident only keeps what DCAI does at any time (§7.3).
    assert INCIDENT_WORKFLOW.actions(S.CLOSED) == rules.DCAI_ACTIONS - {rules.ADD_NOTE}
    assert INCIDENT_WORKFLOW.states_allowing(rules.TAKE_IN_CHARGE) == {S.OPEN}
    assert INCIDENT_WORKFLOW.next_state(S.AWAITING_DECLARER, rules.ANSWER_INFORMATION) == S.OPEN
    assert INCIDENT_WORKFLOW.next_state(S.AWAITING_DECLARER, rules.ANSWER_WHILE_IN_CHARGE) == S.IN_PROGRESS


def test_the_direction_never_closes_and_dcai_never_escalates():
    assert rules.CLOSE not in rules.LEVEL_HANDLER_ACTIONS[Incident.Level.DIRECTION]  # §7.4
    assert rules.ESCALATE not in rules.LEVEL_HANDLER_ACTIONS[Incident.Level.DCAI]  # §7.3: last level
    assert {rules.ESCALATE, rules.CLOSE} <= rules.LEVEL_HANDLER_ACTIONS[Incident.Level.MANAGER]  # §7.6


@pytest.fixture
def incidents(org):
    """Incidents in every status and at every level."""
    bob, carol, diane = org.user("bob"), org.user("carol"), org.user("diane")
    at_manager = declare(org.user("alice"))
    in_progress = declare(org.user("alice"))
    services.incident_take_in_charge(incident=in_progress, actor=bob)
    awaiting = declare(org.user("alice"))
    services.incident_request_information(incident=awaiting, actor=bob, question="?")
    at_direction = declare(org.user("alice"))
    services.incident_escalate(incident=at_direction, actor=bob, assessment="x")
    at_dcai = declare(org.user("alice"))
    services.incident_escalate(incident=at_dcai, actor=bob, assessment="x")
    services.incident_escalate(incident=at_dcai, actor=carol, assessment="y")
    closed = declare(org.user("alice"), route_choice="dcai", route_reason="x")
    services.incident_close(incident=closed, actor=diane, outcome="founded")
    concerned = declare(org.user("alice"), route_choice="dcai", route_reason="x", concerned_kind="staff",
                        concerned_staff=org.diane)
    return [Incident.objects.get(pk=i.pk) for i in (at_manager, in_progress, awaiting, at_direction, at_dcai,
                                                      closed, concerned)]


def test_buttons_are_the_status_map_and_who_may_act(org, incidents):
    for incident in incidents:
        for name in PEOPLE:
            user = org.user(name)
            actions = available_actions(user, incident)
            assert actions <= INCIDENT_WORKFLOW.actions(incident.status), (name, incident.status)
            viewer = viewer_of(user, incident)
            assert actions == actions_for(viewer, incident, open_request=incident.status == S.AWAITING_DECLARER)


def test_who_handles_an_incident_is_one_rule_read_three_ways(org, incidents):
    """The page (one incident), the queue and the notifications agree, and never name the person concerned."""
    for name in PEOPLE:
        user = org.user(name)
        queue = set(queue_to_handle(user))
        for incident in incidents:
            handles = is_current_handler(roles_for(user), incident)
            assert handles == (incident in queue) == handlers_for(incident).filter(pk=user.pk).exists(), (
                name,
                incident.level,
            )
    concerned = incidents[-1]
    assert not is_current_handler(roles_for(org.user("diane")), concerned)
    assert set(handlers_for(concerned).values_list("username", flat=True)) == {"dora"}


def _attempts(incident, actor):
    """Each action of the page, as its service call."""
    now = timezone.now()
    return {
        rules.TAKE_IN_CHARGE: lambda: services.incident_take_in_charge(incident=incident, actor=actor),
        rules.REQUEST_INFORMATION: lambda: services.incident_request_information(
            incident=incident, actor=actor, question="?"
        ),
        rules.ANSWER_INFORMATION: lambda: services.incident_answer_information(
            incident=incident, actor=actor, answer="!"
        ),
        rules.ADD_NOTE: lambda: services.incident_add_note(incident=incident, actor=actor, body="x"),
        rules.RECORD_MEASURE: lambda: services.incident_record_measure(
            incident=incident,
            actor=actor,
            kind="administrative",
            decided_by="x",
            decided_on=timezone.localdate(),
            description="x",
        ),
        rules.ESCALATE: lambda: services.incident_escalate(incident=incident, actor=actor, assessment="x"),
        rules.CLOSE: lambda: services.incident_close(
            incident=incident, actor=actor, outcome="unfounded", reason="x"
        ),
        rules.RECORD_TAKEDOWN: lambda: services.incident_record_takedown(
            incident=incident, actor=actor, requested_to="platform", requested_at=now - timedelta(minutes=1)
        ),
    }


class _Undo(Exception):
    pass


def _accepted(call) -> bool:
    """Run the call and undo it: True when the service accepted it, False when it refused (403)."""
    try:
        with transaction.atomic():
            call()
            raise _Undo
    except _Undo:
        return True
    except PermissionDenied:
        return False


def test_an_offered_action_is_accepted_and_any_other_refused(org, incidents):
    for incident in incidents:
        for name in PEOPLE:
            user = org.user(name)
            offered = available_actions(user, incident)
            for action, call in _attempts(incident, user).items():
                assert _accepted(call) == (action in offered), (name, incident.level, incident.status, action)
