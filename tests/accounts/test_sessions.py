"""Sessions end after SESSION_IDLE_MINUTES without a request and SESSION_MAX_HOURS after signing in."""

from __future__ import annotations

import datetime

import time_machine
from django.urls import reverse
from django.utils import timezone

from portal.accounts.middleware import SESSION_ENDED
from portal.accounts.models import SignInEvent
from portal.accounts.receivers import SESSION_SEEN_AT

Kind, Method, Reason = SignInEvent.Kind, SignInEvent.Method, SignInEvent.Reason


def later(start, **delta):
    return time_machine.travel(start + datetime.timedelta(**delta), tick=False)


def test_thirty_idle_minutes_sign_the_person_out(org, login):
    start = timezone.now()
    with later(start):
        client = login(org.user("alice"))
    with later(start, minutes=29):
        assert client.get(reverse("home")).status_code == 200
    with later(start, minutes=29 + 31):
        response = client.get(reverse("notifications:list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=" + reverse("notifications:list")
    assert "_auth_user_id" not in client.session
    event = SignInEvent.objects.get(kind=Kind.SIGN_OUT)
    assert (event.method, event.reason, event.user.username) == (Method.SESSION, Reason.IDLE_TIMEOUT, "alice")
    page = client.get(response["Location"]).content.decode()
    assert "inactivité" in page


def test_activity_keeps_the_session_until_its_maximum_lifetime(org, login, settings):
    start = timezone.now()
    with later(start):
        client = login(org.user("alice"))
    for minutes in range(29, 12 * 60, 29):
        with later(start, minutes=minutes):
            assert client.get(reverse("home")).status_code == 200, f"signed out after {minutes} minutes"
    with later(start, hours=12, minutes=1):
        assert client.get(reverse("home")).status_code == 302
    assert SignInEvent.objects.get(kind=Kind.SIGN_OUT).reason == Reason.LIFETIME_EXCEEDED


def test_both_limits_are_settings(org, login, settings):
    settings.SESSION_IDLE_MINUTES = 5
    start = timezone.now()
    with later(start):
        client = login(org.user("alice"))
    with later(start, minutes=6):
        assert client.get(reverse("home")).status_code == 302
    settings.SESSION_MAX_HOURS = 1
    with later(start, minutes=10):
        client = login(org.user("alice"))
    for minutes in range(14, 75, 4):  # every 4 minutes (never idle), until 64 minutes after sign-in
        with later(start, minutes=minutes):
            status = client.get(reverse("home")).status_code
    assert status == 302


def test_an_htmx_request_after_the_timeout_sends_the_whole_page_to_sign_in(org, login):
    start = timezone.now()
    with later(start):
        client = login(org.user("alice"))
    with later(start, minutes=45):
        response = client.get(
            reverse("notifications:list"),
            HTTP_HX_REQUEST="true",
            HTTP_HX_CURRENT_URL="http://testserver/incidents/mes-declarations/?page=2",
        )
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/comptes/connexion/?next=/incidents/mes-declarations/%3Fpage%3D2"


def test_the_last_seen_time_is_written_at_most_once_a_minute(org, login):
    start = timezone.now()
    with later(start):
        client = login(org.user("alice"))
        seen = client.session[SESSION_SEEN_AT]
    with later(start, seconds=30):
        client.get(reverse("home"))
        assert client.session[SESSION_SEEN_AT] == seen
    with later(start, seconds=90):
        client.get(reverse("home"))
        assert client.session[SESSION_SEEN_AT] > seen


def test_the_sign_in_page_says_why_the_session_ended_once(org, login, client):
    start = timezone.now()
    with later(start):
        login(org.user("alice"))
    with later(start, hours=1):
        client.get(reverse("home"))
        assert client.session.get(SESSION_ENDED) == Reason.IDLE_TIMEOUT
        assert "inactivité" in client.get(reverse("login")).content.decode()
        assert "inactivité" not in client.get(reverse("login")).content.decode()


def test_the_session_cookie_does_not_outlive_the_browser(org, client, password):
    response = client.post(reverse("login"), {"username": "alice", "password": password})
    assert response.cookies["sessionid"]["expires"] == ""
