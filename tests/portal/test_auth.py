import pytest
from django.urls import reverse


def test_login_then_home(org, client, password):
    response = client.post(reverse("login"), {"username": "alice", "password": password})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_login_is_throttled_after_repeated_failures(org, client, password, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    # Even the right password is refused while the lock lasts.
    response = client.post(reverse("login"), {"username": "alice", "password": password})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not locked.
    response = client.post(reverse("login"), {"username": "bob", "password": password})
    assert response.status_code == 302


def test_logout_requires_post(org, login):
    client = login(org.user("alice"))
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_language_switch_defaults_to_french_and_switches_to_english(client):
    response = client.get(reverse("login"))
    assert b'<html lang="fr">' in response.content
    assert b"Connexion" in response.content
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    response = client.get(reverse("login"))
    assert b'<html lang="en">' in response.content
    assert b"Sign in" in response.content


def test_password_reset_sends_an_email(org, client, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": org.user("alice").email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/comptes/reinitialisation/" in mailoutbox[0].body


def test_browser_language_is_ignored_french_stays_the_default(org, login):
    client = login(org.user("alice"))
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert b'<html lang="fr">' in response.content


def test_preferred_language_of_the_profile_applies_after_sign_in(org, login):
    org.oscar.language = "en"
    org.oscar.save()
    response = login(org.user("oscar")).get(reverse("home"))
    assert b'<html lang="en">' in response.content


def test_the_switch_overrides_the_profile_language(org, login):
    org.oscar.language = "en"
    org.oscar.save()
    client = login(org.user("oscar"))
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert b'<html lang="fr">' in client.get(reverse("home")).content
