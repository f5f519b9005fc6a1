"""An anonymous declaration leaves no identifying value anywhere: database rows, log lines, emails.

Alice, signed in, declares without her name from a known address and browser, then follows and answers
with her receipt. Every row written or changed, every log line and every email is searched for her id,
username, name, email, address and user agent.
"""

import json
import logging

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.urls import reverse
from pythonjsonlogger.json import JsonFormatter

from incidents.models import Incident
from incidents.services import incident_request_information

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.77"
AGENT = "Mozilla/5.0 (X11; Linux x86_64) Navigateur-De-Test/7.1"


def _snapshot() -> dict:
    rows = {}
    for model in apps.get_models():
        if model is Session:
            continue  # the sign-in's own row; checked below for what it holds
        pk = model._meta.pk.attname
        for values in model.objects.values():
            rows[(model._meta.label, values[pk])] = values
    return rows


def _user_fields(label: str) -> list[str]:
    model = apps.get_model(label)
    user_model = get_user_model()
    return [f.attname for f in model._meta.concrete_fields if f.is_relation and f.related_model is user_model]


def test_anonymous_declaration_leaves_no_identity(
    client, login, org, form_data, caplog, mailoutbox, django_capture_on_commit_callbacks
):
    alice = org.user("alice")
    alice.email = "alice.test@chum.example"
    alice.save()
    identity = [alice.username, alice.email, alice.get_full_name(), ADDRESS, AGENT, alice.last_name + ", "]
    login(alice)
    request_log = logging.getLogger("portal.request")
    request_log.addHandler(caplog.handler)
    caplog.set_level(logging.DEBUG)
    headers = {"REMOTE_ADDR": ADDRESS, "HTTP_USER_AGENT": AGENT}
    try:
        assert client.get(reverse("intake:anonymous"), **headers).status_code == 200
        before = _snapshot()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("intake:anonymous"), form_data(concerned_kind="institution"), **headers)
        assert response.status_code == 200
        code = response.context["code"]
        incident = Incident.objects.get()
        with django_capture_on_commit_callbacks(execute=True):
            incident_request_information(incident=incident, actor=org.user("diane"), question="Une date ?")
        with django_capture_on_commit_callbacks(execute=True):
            token = client.post(reverse("intake:follow"), {"code": code}, **headers).context["token"]
            answered = client.post(reverse("intake:follow"), {"token": token, "answer": "Hier soir."}, **headers)
        assert answered.status_code == 200
        after = _snapshot()
    finally:
        request_log.removeHandler(caplog.handler)

    # Database: every row added or changed by the journey.
    changed = {key: values for key, values in after.items() if before.get(key) != values}
    labels = {label for label, _pk in changed}
    assert {"incidents.Incident", "intake.Receipt", "incidents.Event", "incidents.Message"} <= labels
    assert incident.declarer_id is None and incident.source == "anonymous" and incident.direction_id is None
    for (label, _pk), values in changed.items():
        if label == "incidents.Incident" or label.startswith("incidents."):
            for name in _user_fields(label):
                assert values[name] != alice.pk, (label, name)
        for text in identity:
            assert text not in json.dumps(values, default=str), (label, text)
    # The session row of the sign-in holds nothing about the declaration.
    for session in Session.objects.all():
        assert incident.reference not in str(session.get_decoded())

    # Logs: the request lines of these paths carry no user id and no address; no line names Alice.
    lines = [r for r in caplog.records if r.name == "portal.request" and r.path.startswith("/signalement/")]
    assert len(lines) >= 3
    formatter = JsonFormatter("%(message)s")
    for record in lines:
        parsed = json.loads(formatter.format(record))
        assert parsed["user_id"] is None and parsed["ip"] is None
    for record in caplog.records:
        rendered = json.dumps({k: str(v) for k, v in record.__dict__.items()})
        for text in identity:
            assert text not in rendered

    # Emails: DCAI is told (reference and link only); nothing goes to Alice; nothing names her.
    assert mailoutbox, "DCAI should have been told"
    for email in mailoutbox:
        assert alice.email not in email.to
        parts = [email.subject, email.body] + [content for content, _type in getattr(email, "alternatives", [])]
        for text in identity + [incident.description, "Hier soir."]:
            assert all(text not in part for part in parts)


def test_the_request_log_still_names_people_elsewhere(client, login, org, caplog):
    """The exception is only for the anonymous paths."""
    login(org.user("alice"))
    request_log = logging.getLogger("portal.request")
    request_log.addHandler(caplog.handler)
    caplog.set_level(logging.INFO)
    try:
        client.get(reverse("incidents:mine"), REMOTE_ADDR=ADDRESS)
    finally:
        request_log.removeHandler(caplog.handler)
    record = next(r for r in caplog.records if r.name == "portal.request")
    assert (record.user_id, record.ip) == (org.user("alice").pk, ADDRESS)
