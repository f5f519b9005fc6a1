"""DCAI reopens a closed incident with a reason (§7.3; docs/rules.md): back to DCAI, taken in charge by the
officer, a new deadline, the closure kept in the history, the declarer and the handlers told the stage only."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents import services
from incidents.deadlines import deadline_for
from incidents.models import Event, Incident, RetentionLog
from incidents.services import IncidentActionError
from portal.notifications.models import Notification

from .factories import declare

pytestmark = pytest.mark.django_db

REASON = "La publication est de nouveau en ligne sous un autre compte."


def _closed_by_dcai(org, **overrides):
    """alice's declaration, handled by bob and carol, closed as founded by diane (DCAI)."""
    incident = declare(org.user("alice"), **overrides)
    services.incident_escalate(incident=incident, actor=org.user("bob"), assessment="Vu.")
    services.incident_escalate(incident=incident, actor=org.user("carol"), assessment="À la DCAI.")
    services.incident_close(incident=incident, actor=org.user("diane"), outcome="founded", reason="Traité.")
    return Incident.objects.get(pk=incident.pk)


def _snapshot(incident):
    row = Incident.objects.get(pk=incident.pk)
    return row.level, row.status, row.outcome, row.closed_at, row.updated_at, row.events.count()


def test_dcai_reopens_a_closed_incident_with_a_reason(org, login):
    incident = _closed_by_dcai(org)
    closed_at = incident.closed_at
    Notification.objects.all().delete()
    client = login(org.user("diane"))
    page = client.get(incident.get_absolute_url()).content.decode()
    assert reverse("incidents:reopen", args=[incident.pk]) in page

    before = timezone.now()
    response = client.post(reverse("incidents:reopen", args=[incident.pk]), {"reason": REASON})
    assert response.status_code == 302

    incident.refresh_from_db()
    # Back to DCAI, taken in charge by the officer who reopened it, with the DCAI deadline counted afresh.
    assert (incident.level, incident.status) == (Incident.Level.DCAI, Incident.Status.IN_PROGRESS)
    assert incident.taken_in_charge_by == org.user("diane")
    assert deadline_for(Incident.Level.DCAI, before) <= incident.deadline_at
    assert incident.deadline_at <= deadline_for(Incident.Level.DCAI, timezone.now())
    # The closing fields are cleared; the closure stays in the history, with its outcome.
    assert (incident.outcome, incident.closure_reason, incident.closed_at, incident.closed_at_level) == (
        "",
        "",
        None,
        "",
    )
    closed, reopened = incident.events.filter(kind__in=[Event.Kind.CLOSED, Event.Kind.REOPENED])
    assert (closed.kind, closed.outcome, closed.note) == ("closed", "founded", "Traité.")
    assert abs(closed.created_at - closed_at) < timedelta(seconds=1)
    assert (reopened.kind, reopened.note, reopened.outcome) == ("reopened", REASON, "founded")
    assert (reopened.from_level, reopened.to_level, reopened.actor) == ("closed", "dcai", org.user("diane"))
    assert (reopened.from_status, reopened.to_status) == ("closed", "in_progress")

    # The declarer and the handlers (DCAI, and the manager and direction who had it) are told the stage.
    told = {n.recipient.username: n for n in Notification.objects.select_related("recipient")}
    assert told["alice"].kind == "incidents.declaration_reopened"
    assert {name for name, n in told.items() if n.kind == "incidents.reopened"} == {"bob", "carol", "dora"}
    assert "diane" not in told  # the actor
    for notification in told.values():
        assert REASON not in str(notification.context) and notification.context["level"] == "dcai"

    # The history says "Réouvert" with the reason for DCAI; the declarer reads the step, not the reason.
    page = client.get(incident.get_absolute_url()).content.decode()
    assert "Réouvert" in page and REASON in page
    # Each closure keeps its outcome in the history, and the reopening names the outcome it undid.
    assert page.count('data-testid="event-outcome"') == 2 and "issue annulée : Fondé" in page
    declarer_page = login(org.user("alice")).get(incident.get_absolute_url()).content.decode()
    assert "Réouvert" in declarer_page and REASON not in declarer_page
    assert 'data-testid="event-outcome"' not in declarer_page


def test_a_reopened_incident_closes_again_and_keeps_both_closures(org):
    incident = _closed_by_dcai(org)
    services.incident_reopen(incident=incident, actor=org.user("dora"), reason=REASON)
    services.incident_close(incident=incident, actor=org.user("diane"), outcome="duplicate")
    incident.refresh_from_db()
    assert incident.is_closed and incident.outcome == "duplicate"
    outcomes = list(incident.events.filter(kind="closed").values_list("outcome", flat=True))
    assert outcomes == ["founded", "duplicate"]


def test_a_reason_is_required(org, login):
    incident = _closed_by_dcai(org)
    before = _snapshot(incident)
    client = login(org.user("diane"))
    for reason in ("", "   ", "Trop court"):
        response = client.post(reverse("incidents:reopen", args=[incident.pk]), {"reason": reason})
        assert response.status_code == 400
        assert _snapshot(incident) == before
    assert "Expliquez en au moins 15 caractères pourquoi l&#x27;incident est rouvert." in response.content.decode()
    with pytest.raises(IncidentActionError):
        services.incident_reopen(incident=incident, actor=org.user("diane"), reason="court")
    assert _snapshot(incident) == before


@pytest.mark.parametrize("name", ["alice", "bob", "carol"])
def test_the_declarer_and_earlier_handlers_see_no_button_and_are_refused(org, login, name):
    incident = _closed_by_dcai(org)
    before = _snapshot(incident)
    client = login(org.user(name))
    page = client.get(incident.get_absolute_url())
    assert page.status_code == 200
    assert reverse("incidents:reopen", args=[incident.pk]) not in page.content.decode()
    assert client.post(reverse("incidents:reopen", args=[incident.pk]), {"reason": REASON}).status_code == 403
    assert _snapshot(incident) == before


def test_a_dcai_officer_concerned_by_the_incident_gets_404(org, login):
    incident = declare(
        org.user("alice"),
        route_choice="dcai",
        route_reason="Une collègue de la DCAI est en cause.",
        concerned_kind="staff",
        concerned_staff=org.diane,
    )
    services.incident_close(incident=incident, actor=org.user("dora"), outcome="founded")
    before = _snapshot(incident)
    client = login(org.user("diane"))
    assert client.get(incident.get_absolute_url()).status_code == 404
    assert client.post(reverse("incidents:reopen", args=[incident.pk]), {"reason": REASON}).status_code == 404
    assert (
        login(org.user("oscar")).post(reverse("incidents:reopen", args=[incident.pk]), {"reason": REASON}).status_code
        == 404
    )
    assert _snapshot(incident) == before
    # Dora, who is not concerned, may.
    services.incident_reopen(incident=incident, actor=org.user("dora"), reason=REASON)
    assert not Incident.objects.get(pk=incident.pk).is_closed


def test_reopening_an_open_incident_is_refused_with_a_message(org, login):
    incident = declare(org.user("alice"), route_choice="dcai", route_reason="Directement à la DCAI.")
    before = _snapshot(incident)
    client = login(org.user("diane"))
    response = client.post(reverse("incidents:reopen", args=[incident.pk]), {"reason": REASON}, follow=True)
    assert response.status_code == 200
    assert "Cet incident n&#x27;est pas fermé : il n&#x27;y a rien à rouvrir." in response.content.decode()
    assert _snapshot(incident) == before


def test_a_purged_incident_is_not_reopened(org):
    incident = _closed_by_dcai(org)
    RetentionLog.objects.create(
        run=uuid.uuid4(), action=RetentionLog.Action.INCIDENT_PURGED, incident=incident, reference=incident.reference
    )
    before = _snapshot(incident)
    with pytest.raises(IncidentActionError, match="épuré"):
        services.incident_reopen(incident=incident, actor=org.user("diane"), reason=REASON)
    assert _snapshot(incident) == before


def test_retention_counts_from_the_last_closure(org, settings):
    """A reopened incident is not closed, so not purged; closed again, its period starts again."""
    from incidents.retention import retention_apply

    incident = _closed_by_dcai(org)
    Incident.objects.filter(pk=incident.pk).update(closed_at=timezone.now() - timedelta(days=366 * 30))
    services.incident_reopen(incident=incident, actor=org.user("diane"), reason=REASON)
    retention_apply()
    assert not RetentionLog.objects.filter(incident=incident, action=RetentionLog.Action.INCIDENT_PURGED).exists()
    services.incident_close(incident=incident, actor=org.user("diane"), outcome="founded")
    retention_apply()
    assert not RetentionLog.objects.filter(incident=incident, action=RetentionLog.Action.INCIDENT_PURGED).exists()
