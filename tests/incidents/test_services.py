"""Each action at each level: who may, what changes, what is recorded (§7.3, §7.4, §7.6, §7.7)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from incidents import services
from incidents.models import Event, Incident, InternalNote, Measure, Message, Takedown
from incidents.selectors import available_actions, incidents_visible_to

from .factories import declare

L, S = Incident.Level, Incident.Status

LEVEL_SETUPS = {
    # level -> (how to get an incident there, the handler at that level)
    "manager": (lambda org: declare(org.user("alice")), "bob"),
    "direction": (
        lambda org: declare(org.user("alice"), concerned_kind="staff", concerned_staff=org.bob),
        "carol",
    ),
    "dcai": (lambda org: declare(org.user("alice"), route_choice="dcai", route_reason="Sensible."), "diane"),
}


@pytest.fixture(params=list(LEVEL_SETUPS))
def at_level(request, org):
    make, handler = LEVEL_SETUPS[request.param]
    incident = make(org)
    assert incident.level == request.param
    return incident, org.user(handler)


def _refresh(incident):
    return Incident.objects.get(pk=incident.pk)


def test_take_in_charge_at_each_level(at_level):
    incident, handler = at_level
    services.incident_take_in_charge(incident=incident, actor=handler)
    incident = _refresh(incident)
    assert incident.status == S.IN_PROGRESS and incident.taken_in_charge_by == handler
    event = incident.events.get(kind=Event.Kind.TAKEN_IN_CHARGE)
    assert (event.actor, event.from_status, event.to_status) == (handler, S.OPEN, S.IN_PROGRESS)
    with pytest.raises(PermissionDenied):  # already taken
        services.incident_take_in_charge(incident=incident, actor=handler)


def test_request_and_answer_information_at_each_level(org, at_level):
    incident, handler = at_level
    services.incident_request_information(incident=incident, actor=handler, question="Quand exactement ?")
    assert _refresh(incident).status == S.AWAITING_DECLARER
    services.incident_answer_information(incident=incident, actor=org.user("alice"), answer="Hier soir.")
    incident = _refresh(incident)
    assert incident.status == S.OPEN
    assert list(incident.messages.values_list("kind", flat=True)) == ["request", "answer"]
    assert incident.messages.get(kind="request").answered_at is not None
    with pytest.raises(PermissionDenied):  # nothing left to answer
        services.incident_answer_information(incident=incident, actor=org.user("alice"), answer="Encore.")


def test_answer_returns_to_in_progress_when_taken(org):
    incident = declare(org.user("alice"))
    services.incident_take_in_charge(incident=incident, actor=org.user("bob"))
    services.incident_request_information(incident=incident, actor=org.user("bob"), question="?")
    services.incident_answer_information(incident=incident, actor=org.user("alice"), answer="!")
    assert _refresh(incident).status == S.IN_PROGRESS


def test_only_the_declarer_answers(org):
    incident = declare(org.user("alice"))
    services.incident_request_information(incident=incident, actor=org.user("bob"), question="?")
    for name in ("bob", "carol", "diane", "oscar"):
        with pytest.raises(PermissionDenied):
            services.incident_answer_information(incident=incident, actor=org.user(name), answer="x")


def test_note_and_measure_at_each_level(at_level):
    incident, handler = at_level
    services.incident_add_note(incident=incident, actor=handler, body="Vérifié la page.")
    services.incident_record_measure(
        incident=incident,
        actor=handler,
        kind=Measure.Kind.ADMINISTRATIVE,
        decided_by="Comité",
        decided_on=timezone.localdate(),
        description="Rappel de la politique.",
    )
    assert InternalNote.objects.get(incident=incident).level == incident.level
    assert Measure.objects.get(incident=incident).recorded_by == handler
    kinds = set(incident.events.values_list("kind", "visible_to_declarer"))
    assert {("note_added", False), ("measure_recorded", False)} <= kinds


def test_measure_in_the_future_is_refused(org):
    incident = declare(org.user("alice"))
    with pytest.raises(services.IncidentActionError):
        services.incident_record_measure(
            incident=incident,
            actor=org.user("bob"),
            kind="disciplinary",
            decided_by="RH",
            decided_on=timezone.localdate() + timedelta(days=2),
            description="x",
        )
    assert not Measure.objects.exists()


def test_escalate_manager_to_direction_to_dcai(org):
    incident = declare(org.user("alice"))
    services.incident_take_in_charge(incident=incident, actor=org.user("bob"))
    services.incident_escalate(incident=incident, actor=org.user("bob"), assessment="Sérieux.")
    incident = _refresh(incident)
    assert (incident.level, incident.status, incident.assigned_direction) == (L.DIRECTION, S.OPEN, org.care)
    assert incident.taken_in_charge_by is None
    services.incident_escalate(incident=incident, actor=org.user("carol"), assessment="Informer la DCAI.")
    incident = _refresh(incident)
    assert incident.level == L.DCAI
    escalations = incident.events.filter(kind=Event.Kind.ESCALATED)
    assert [(e.from_level, e.to_level, e.note) for e in escalations] == [
        ("manager", "direction", "Sérieux."),
        ("direction", "dcai", "Informer la DCAI."),
    ]
    with pytest.raises(PermissionDenied):
        services.incident_escalate(incident=incident, actor=org.user("diane"), assessment="x")


def test_escalation_needs_an_assessment(org):
    incident = declare(org.user("alice"))
    with pytest.raises(services.IncidentActionError):
        services.incident_escalate(incident=incident, actor=org.user("bob"), assessment=" ")
    assert _refresh(incident).level == L.MANAGER


def test_a_previous_level_can_no_longer_act(org):
    incident = declare(org.user("alice"))
    services.incident_escalate(incident=incident, actor=org.user("bob"), assessment="À la direction.")
    for action in (
        lambda: services.incident_take_in_charge(incident=incident, actor=org.user("bob")),
        lambda: services.incident_add_note(incident=incident, actor=org.user("bob"), body="x"),
        lambda: services.incident_close(
            incident=incident, actor=org.user("bob"), outcome="unfounded", reason="x"
        ),
    ):
        with pytest.raises(PermissionDenied):
            action()


def test_manager_closes_only_as_unfounded_with_a_reason(org):
    incident = declare(org.user("alice"))
    with pytest.raises(services.IncidentActionError):
        services.incident_close(incident=incident, actor=org.user("bob"), outcome="founded", reason="x")
    with pytest.raises(services.IncidentActionError):
        services.incident_close(incident=incident, actor=org.user("bob"), outcome="unfounded", reason="")
    services.incident_close(incident=incident, actor=org.user("bob"), outcome="unfounded", reason="Satire.")
    incident = _refresh(incident)
    assert (incident.level, incident.status, incident.outcome) == (L.CLOSED, S.CLOSED, "unfounded")
    assert incident.closed_at_level == L.MANAGER and incident.closed_by == org.user("bob")
    assert incident in incidents_visible_to(org.user("diane"))  # DCAI sees every closure


def test_direction_never_closes(org):
    incident = declare(org.user("alice"), concerned_kind="staff", concerned_staff=org.bob)
    assert "close" not in available_actions(org.user("carol"), incident)
    with pytest.raises(PermissionDenied):
        services.incident_close(incident=incident, actor=org.user("carol"), outcome="unfounded", reason="x")


@pytest.mark.parametrize("outcome", ["founded", "unfounded", "duplicate", "withdrawn"])
def test_dcai_closes_with_an_outcome_and_ereputation_actions(org, outcome):
    incident = declare(org.user("alice"), route_choice="dcai", route_reason="x")
    services.incident_close(
        incident=incident,
        actor=org.user("diane"),
        outcome=outcome,
        reason="Résumé.",
        takedown_requested=True,
        reply_published=True,
    )
    incident = _refresh(incident)
    assert incident.outcome == outcome and incident.closed_at_level == L.DCAI
    assert incident.takedown_requested and incident.reply_published
    assert incident.deadline_at is None


def test_nothing_happens_on_a_closed_incident(org):
    incident = declare(org.user("alice"), route_choice="dcai", route_reason="x")
    services.incident_close(incident=incident, actor=org.user("diane"), outcome="founded")
    incident = _refresh(incident)
    assert available_actions(org.user("diane"), incident) == {
        "record_takedown",
        "share",
        "view_access_log",
        "register",
        "reopen",
    }
    with pytest.raises(PermissionDenied):
        services.incident_add_note(incident=incident, actor=org.user("diane"), body="x")


def test_takedown_tracking_by_dcai(org):
    incident = declare(org.user("alice"), category="patient_info", patient_info_exposed=True)
    assert incident.level == L.MANAGER
    asked = timezone.now() - timedelta(hours=2)
    takedown = services.incident_record_takedown(
        incident=incident,
        actor=org.user("diane"),
        requested_to="platform",
        requested_at=asked,
        details="Formulaire Facebook",
    )
    with pytest.raises(services.IncidentActionError):
        services.incident_record_takedown_removed(
            incident=incident,
            actor=org.user("diane"),
            takedown_id=takedown.pk,
            removed_seen_at=asked - timedelta(hours=1),
        )
    services.incident_record_takedown_removed(
        incident=incident, actor=org.user("diane"), takedown_id=takedown.pk, removed_seen_at=timezone.now()
    )
    incident = _refresh(incident)
    assert incident.still_online == "no" and incident.takedown_requested
    assert Takedown.objects.get().removed_seen_at is not None
    for name in ("bob", "carol", "alice"):
        with pytest.raises(PermissionDenied):
            services.incident_record_takedown(
                incident=incident, actor=org.user(name), requested_to="author", requested_at=asked
            )


def test_share_and_unshare_by_dcai(org):
    incident = declare(org.user("alice"), route_choice="dcai", route_reason="x")
    counsel = org.user("oscar")
    assert incident not in incidents_visible_to(counsel)
    services.incident_share(incident=incident, actor=org.user("diane"), user=counsel)
    assert list(incidents_visible_to(counsel)) == [incident]
    assert available_actions(counsel, incident) == frozenset()
    with pytest.raises(services.IncidentActionError):
        services.incident_share(incident=incident, actor=org.user("diane"), user=counsel)
    services.incident_unshare(incident=incident, actor=org.user("diane"), user=counsel)
    assert incident not in incidents_visible_to(counsel)
    assert list(incident.events.filter(kind__in=["shared", "unshared"]).values_list("kind", flat=True)) == [
        "shared",
        "unshared",
    ]


def test_only_dcai_shares_and_never_with_the_concerned_person(org):
    incident = declare(org.user("alice"), concerned_kind="staff", concerned_staff=org.bob)
    with pytest.raises(PermissionDenied):
        services.incident_share(incident=incident, actor=org.user("carol"), user=org.user("oscar"))
    with pytest.raises(services.IncidentActionError):
        services.incident_share(incident=incident, actor=org.user("diane"), user=org.user("bob"))
    assert incident not in incidents_visible_to(org.user("bob"))


def test_outsiders_cannot_act(org):
    incident = declare(org.user("alice"))
    for name in ("oscar", "olga", "harry", "carol", "alice"):
        with pytest.raises(PermissionDenied):
            services.incident_take_in_charge(incident=incident, actor=org.user(name))
        with pytest.raises(PermissionDenied):
            services.incident_request_information(incident=incident, actor=org.user(name), question="?")


def test_a_failed_action_changes_nothing(org):
    incident = declare(org.user("alice"))
    before = Event.objects.count(), Message.objects.count()
    with pytest.raises(PermissionDenied):
        services.incident_request_information(incident=incident, actor=org.user("oscar"), question="?")
    assert (Event.objects.count(), Message.objects.count()) == before
    assert _refresh(incident).status == S.OPEN
