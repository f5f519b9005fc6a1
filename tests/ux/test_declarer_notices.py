"""The declarer hears of each stage once, by name; urgent emails say "urgent" once (incidents/apps.py)."""

import pytest
from django.core import mail

from incidents import services
from portal.notifications.models import Notification
from tests.incidents.factories import declare

pytestmark = pytest.mark.django_db
SECRET = "TEXTE-CONFIDENTIEL-DE-L-INCIDENT"


def test_a_full_route_tells_the_declarer_each_stage_once_by_name(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        incident = declare(org.user("alice"), description=SECRET)
    mail.outbox.clear()
    steps = [
        lambda: services.incident_take_in_charge(incident=incident, actor=org.user("bob")),
        lambda: services.incident_escalate(incident=incident, actor=org.user("bob"), assessment="x"),
        lambda: services.incident_take_in_charge(incident=incident, actor=org.user("carol")),
        lambda: services.incident_escalate(incident=incident, actor=org.user("carol"), assessment="x"),
        lambda: services.incident_take_in_charge(incident=incident, actor=org.user("diane")),
        lambda: services.incident_close(incident=incident, actor=org.user("diane"), outcome="founded"),
    ]
    for step in steps:
        with django_capture_on_commit_callbacks(execute=True):
            step()
    rows = Notification.objects.filter(recipient=org.user("alice")).exclude(kind="incidents.declared")
    titles = [row.title for row in rows.order_by("pk")]
    assert titles == [
        "Votre déclaration est prise en charge",
        "Votre déclaration a été transmise à la direction",
        "Votre déclaration a été transmise à la DCAI",
        "Votre déclaration est fermée",
    ]
    emails = [m for m in mail.outbox if m.to == [org.user("alice").email]]
    assert [m.subject.split(" · ")[0] for m in emails] == titles
    for message in emails:
        assert SECRET not in message.body and SECRET not in message.alternatives[0][0]


def test_an_urgent_email_says_urgent_once(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        declare(org.user("alice"), category="patient_info", patient_info_exposed=True)
    urgent = [m for m in mail.outbox if m.to == [org.user("diane").email]]
    assert urgent
    for message in urgent:
        assert message.subject.lower().count("urgent") == 1, message.subject
        assert message.body.lower().count("urgent") == 1, message.body
    row = Notification.objects.get(recipient=org.user("diane"), kind="incidents.urgent_patient_info")
    assert row.urgent and not row.title.lower().startswith("urgent")
