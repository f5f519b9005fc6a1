"""Password attempts and reset requests are limited without letting anyone lock another person out."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import SignInEvent
from tests.factories import PASSWORD, UserFactory

Kind, Reason = SignInEvent.Kind, SignInEvent.Reason
T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def attempt(client, username, password, address="10.0.0.1", **headers):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def at(seconds: float):
    return time_machine.travel(T0 + datetime.timedelta(seconds=seconds), tick=False)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- Item 3: lockout abuse ------------------------------------------------------------------------------


def test_failures_from_another_address_never_lock_the_owner_out(org, client, settings):
    settings.AUTH_DELAY_BASE_SECONDS = 0
    for second in range(settings.AXES_FAILURE_LIMIT + 3):
        with at(second):
            attempt(client, "alice", "guess", address="203.0.113.66")
    with at(60):
        assert attempt(client, "alice", PASSWORD, address="10.0.0.7").status_code == 302


def test_behind_the_proxy_the_lock_follows_the_real_client_address(org, client, settings):
    settings.AUTH_DELAY_BASE_SECONDS = 0
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    for second in range(settings.AXES_FAILURE_LIMIT):
        with at(second):
            attempt(client, "alice", "guess", address="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.9")
    with at(30):
        # Same proxy, same username, another workstation: not locked.
        response = attempt(client, "alice", PASSWORD, address="10.0.0.2", HTTP_X_FORWARDED_FOR="10.20.0.5")
    assert response.status_code == 302
    with at(31):
        client.logout()
        locked = attempt(client, "alice", PASSWORD, address="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert locked.status_code == 429


def test_a_retry_right_after_a_failure_waits_and_the_wait_doubles(org, client):
    with at(0):
        assert attempt(client, "alice", "guess").status_code == 200
    with at(0.5):
        # The right password, too early: refused without being checked, and not counted as a failure.
        response = attempt(client, "alice", PASSWORD)
        assert response.status_code == 429 and response["Retry-After"] == "1"
        assert "attendez 1 seconde" in response.content.decode()
        assert not signed_in(client)
    assert AccessAttempt.objects.get().failures_since_start == 1
    with at(1.5):
        attempt(client, "alice", "guess")  # second failure: the next try waits 2 s
    with at(3):
        assert attempt(client, "alice", PASSWORD).status_code == 429
    with at(3.6):
        assert attempt(client, "alice", PASSWORD).status_code == 302
    reasons = list(SignInEvent.objects.order_by("created_at", "id").values_list("reason", flat=True))
    assert reasons == [Reason.BAD_CREDENTIALS, Reason.TOO_SOON, Reason.BAD_CREDENTIALS, Reason.TOO_SOON, ""]


def test_the_delay_is_per_address(org, client):
    with at(0):
        attempt(client, "alice", "guess", address="203.0.113.66")
    with at(0.1):
        assert attempt(client, "alice", PASSWORD, address="10.0.0.7").status_code == 302


def test_after_the_limit_the_pair_is_locked_and_told_for_how_long(org, client, settings):
    for failure in range(settings.AXES_FAILURE_LIMIT):
        with at(failure * 40):
            attempt(client, "alice", "guess")
    with at(settings.AXES_FAILURE_LIMIT * 40):
        response = attempt(client, "alice", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "15 minutes" in page and "un autre poste" in page
    assert SignInEvent.objects.filter(reason=Reason.LOCKED_OUT).count() == 1
    assert not signed_in(client)


def test_password_spraying_stops_password_checks_except_from_known_addresses(org, client, settings):
    settings.AUTH_SPRAYING_FAILURE_LIMIT = 5
    settings.AUTH_SPRAYING_WINDOW_SECONDS = 300
    with at(0):
        assert attempt(client, "bob", PASSWORD, address="10.0.0.20").status_code == 302
        client.logout()
    for number in range(5):
        with at(10 + number):
            attempt(client, f"user{number}", "Printemps2026!", address=f"198.51.100.{number}")
    with at(20):
        # Another account, the right password, an address it never signed in from: not checked.
        response = attempt(client, "alice", PASSWORD, address="198.51.100.77")
        assert response.status_code == 429 and not signed_in(client)
        assert "Trop de tentatives de connexion échouent" in response.content.decode()
        # bob signs in from his usual workstation.
        assert attempt(client, "bob", PASSWORD, address="10.0.0.20").status_code == 302
        client.logout()
    with at(400):
        assert attempt(client, "alice", PASSWORD, address="198.51.100.77").status_code == 302
    assert SignInEvent.objects.filter(reason=Reason.SPRAYING_LIMIT).count() == 1


def test_refused_attempts_do_not_feed_the_spraying_count(org, client, settings):
    settings.AUTH_SPRAYING_FAILURE_LIMIT = 3
    with at(0):
        attempt(client, "alice", "guess")
    for step in range(1, 10):
        with at(step * 0.1):
            attempt(client, "alice", "guess")  # too soon each time: never checked, never counted
    with at(30):
        assert attempt(client, "bob", PASSWORD, address="10.0.0.9").status_code == 302


# --- Item 5: reset flooding ------------------------------------------------------------------------------


def reset(client, email, address="10.0.0.1"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_reset_emails_to_one_address_are_limited_silently(org, client, mailoutbox, settings):
    email = org.user("alice").email
    responses = [reset(client, email, address=f"10.0.1.{n}") for n in range(6)]
    assert len(mailoutbox) == settings.PASSWORD_RESET_PER_EMAIL == 3
    assert {r.status_code for r in responses} == {302}
    assert {r["Location"] for r in responses} == {reverse("password_reset_done")}
    assert SignInEvent.objects.filter(kind=Kind.PASSWORD_RESET, reason=Reason.RATE_LIMITED).count() == 3


def test_reset_requests_from_one_address_are_limited_silently(org, client, mailoutbox, settings):
    settings.PASSWORD_RESET_PER_CLIENT = 4
    for number in range(4):
        UserFactory(username=f"reset{number}")
    for number in range(4):
        reset(client, f"reset{number}@chum.test", address="203.0.113.5")
    assert len(mailoutbox) == 4
    response = reset(client, org.user("alice").email, address="203.0.113.5")
    assert response.status_code == 302 and len(mailoutbox) == 4
    reset(client, org.user("alice").email, address="10.0.0.3")
    assert len(mailoutbox) == 5


def test_the_limit_is_per_hour(org, client, mailoutbox):
    email = org.user("alice").email
    with at(0):
        for _ in range(4):
            reset(client, email)
    with at(3601):
        reset(client, email)
    assert len(mailoutbox) == 4


def test_unknown_addresses_answer_exactly_like_known_ones(org, client, mailoutbox):
    known = reset(client, org.user("alice").email)
    unknown = reset(client, "nobody@chum.test")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])


@pytest.mark.parametrize(("mode", "emails"), [("all", 2), ("admins", 1), ("off", 0)])
def test_reset_links_only_for_accounts_allowed_a_portal_password(org, client, mailoutbox, settings, mode, emails):
    settings.AUTH_LOCAL_LOGIN = mode
    settings.LDAP_URL = "ldaps://127.0.0.1:9"  # a directory exists, so "off" is a valid setting
    admin = UserFactory(username="admin-reset", is_superuser=True, is_staff=True)
    reset(client, admin.email)
    reset(client, org.user("alice").email)
    assert len(mailoutbox) == emails


def test_timestamps_are_those_of_the_database(org, client):
    with at(0):
        attempt(client, "alice", "guess")
    assert SignInEvent.objects.get().created_at == T0
    assert timezone.is_aware(AccessAttempt.objects.get().attempt_time)
