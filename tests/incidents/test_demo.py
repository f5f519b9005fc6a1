"""Demo incidents of `seed_demo`: one case waiting at each level, a question to the declarer, idempotent."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from incidents.demo import DECLARATIONS, seed_incidents
from incidents.models import Event, Incident, Message
from incidents.selectors import declarations_of, queue_to_handle
from portal.demo import seed_demo
from portal.notifications.models import Notification

User = get_user_model()


@pytest.fixture
def institution(db, settings):
    settings.PORTAL_ON_STAFF_CREATED = []
    settings.PORTAL_DEMO_HOOKS = ["portal.roster.demo.seed_roster"]
    seed_demo(out=io.StringIO())


def user(username):
    return User.objects.get(username=username)


def snapshot():
    return (
        Incident.objects.count(),
        Event.objects.count(),
        Message.objects.count(),
        Notification.objects.count(),
        sorted(Incident.objects.values_list("reference", "level", "status")),
    )


def test_demo_incidents_wait_at_every_level_and_a_second_run_changes_nothing(institution):
    out = io.StringIO()
    seed_incidents(out)
    after_first = snapshot()
    second = io.StringIO()
    seed_incidents(second)

    assert snapshot() == after_first
    assert after_first[0] == len(DECLARATIONS) and "rien à faire" in second.getvalue()
    # The employee's cases are with their manager; one waits for the employee's answer.
    manager_queue = queue_to_handle(user("gestionnaire"))
    assert set(manager_queue.values_list("declarer__username", flat=True)) == {"employe"}
    assert manager_queue.count() == 2
    waiting = declarations_of(user("employe")).filter(waiting_for_me=True)
    assert waiting.count() == 1 and waiting.get().status == Incident.Status.AWAITING_DECLARER
    # The nursing direction has the escalated case; DCAI sees the urgent patient case first.
    assert queue_to_handle(user("direction")).get().level == Incident.Level.DIRECTION
    dcai_queue = list(queue_to_handle(user("dcai")))
    assert len(dcai_queue) == 2 and dcai_queue[0].urgent and dcai_queue[0].patient_info_exposed
    closed = Incident.objects.filter(level=Incident.Level.CLOSED)
    assert sorted(closed.values_list("outcome", flat=True)) == ["founded", "unfounded"]


def test_demo_home_pages_show_both_workflows(db, settings, login):
    settings.PORTAL_ON_STAFF_CREATED = []
    settings.PORTAL_DEMO_HOOKS = [
        "policies.demo.seed_policy",
        "portal.roster.demo.seed_roster",
        "policies.campaigns.demo.seed_campaign",
        "incidents.demo.seed_incidents",
    ]
    seed_demo(out=io.StringIO())

    employee_home = login(user("employe")).get(reverse("home")).content.decode()
    assert "Prise de connaissance à confirmer" in employee_home
    assert "Vos déclarations attendent une réponse" in employee_home
    manager_home = login(user("gestionnaire")).get(reverse("home")).content.decode()
    assert "Incidents à traiter" in manager_home and "Prises de connaissance de votre équipe" in manager_home


def test_without_the_demo_institution_nothing_is_done(db):
    out = io.StringIO()
    seed_incidents(out)
    assert not Incident.objects.exists() and "rien à faire" in out.getvalue()
