"""Sign-in through LDAP / Active Directory, against a real OpenLDAP server (tests/accounts/servers.py)."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from portal.accounts import ldap as directory_client
from portal.accounts.models import DirectoryAdminGrant, SignInEvent
from tests.factories import PASSWORD, UserFactory

Kind, Method, Reason = SignInEvent.Kind, SignInEvent.Method, SignInEvent.Reason


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def signed_in_as(client):
    user_id = client.session.get("_auth_user_id")
    return get_user_model().objects.get(pk=user_id).username if user_id else None


def test_good_password_signs_in_the_profile_with_that_employee_number(directory, client):
    alice = directory.people["alice.test"]
    response = sign_in(client, alice.uid, alice.password)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    # The directory's uid is not the portal's username: the employee number made the match.
    assert signed_in_as(client) == "alice"
    event = SignInEvent.objects.get(kind=Kind.SIGN_IN)
    assert (event.method, event.identifier, event.user.username) == (Method.LDAP, "alice.test", "alice")
    assert event.client_ip == "127.0.0.1"


@pytest.mark.parametrize("login", ["atest", "100001", "ALICE.TEST"])
def test_active_directory_login_or_employee_number_also_sign_in(directory, client, login):
    response = sign_in(client, login, directory.people["alice.test"].password)
    assert response.status_code == 302
    assert signed_in_as(client) == "alice"


def test_bad_password_is_refused_and_audited_without_the_password(directory, client):
    response = sign_in(client, "alice.test", "wrong-password")
    assert response.status_code == 200
    assert "Identifiant ou mot de passe incorrect" in response.content.decode()
    assert signed_in_as(client) is None
    event = SignInEvent.objects.get()
    assert (event.kind, event.reason, event.method, event.identifier) == (
        Kind.REFUSAL, Reason.BAD_CREDENTIALS, Method.LDAP, "alice.test"
    )
    from axes.models import AccessAttempt

    assert "wrong-password" not in str(list(AccessAttempt.objects.values()))


def test_unknown_person_gets_the_clear_page(directory, client):
    newcomer = directory.people["newcomer"]
    response = sign_in(client, newcomer.uid, newcomer.password)
    assert response.status_code == 403
    page = response.content.decode()
    assert "pas encore dans le portail" in page and "chaque nuit" in page
    assert signed_in_as(client) is None
    assert not get_user_model().objects.filter(username=newcomer.employee_number).exists()
    event = SignInEvent.objects.get()
    assert (event.kind, event.reason, event.method) == (Kind.REFUSAL, Reason.UNKNOWN_PERSON, Method.LDAP)


def test_unknown_person_gets_an_account_when_the_portal_creates_them(directory, client, settings):
    settings.AUTH_CREATE_UNKNOWN = True
    newcomer = directory.people["newcomer"]
    assert sign_in(client, newcomer.uid, newcomer.password).status_code == 302
    user = get_user_model().objects.get(username="100999")
    assert (user.first_name, user.email, user.has_usable_password()) == ("Nouvelle", newcomer.email, False)
    assert not hasattr(user, "profile")  # import_org attaches the profile later, roles come from there
    assert SignInEvent.objects.get(kind=Kind.SIGN_IN).reason == Reason.CREATED


def test_deactivated_profile_is_refused_even_with_the_right_password(directory, client, org):
    org.oscar.is_active = False
    org.oscar.save()
    oscar = directory.people["oscar.test"]
    response = sign_in(client, oscar.uid, oscar.password)
    assert response.status_code == 403
    assert "désactivé" in response.content.decode()
    assert signed_in_as(client) is None
    assert SignInEvent.objects.get().reason == Reason.DEACTIVATED


def test_a_refused_directory_person_never_falls_back_to_a_portal_password(directory, client, org, settings):
    """oscar has a portal password too; once the directory refused him, no other backend is asked."""
    settings.AUTH_LOCAL_LOGIN = "all"
    org.oscar.is_active = False
    org.oscar.save()
    user = org.user("oscar")
    user.username = "otest"  # his portal username equals his directory login
    user.set_password(directory.people["oscar.test"].password)
    user.save()
    assert sign_in(client, "otest", directory.people["oscar.test"].password).status_code == 403
    assert signed_in_as(client) is None


def test_match_by_email_only_when_configured(directory, client, org, settings):
    contractor = directory.people["contractor"]
    UserFactory(username="ext-1", email=contractor.email)
    assert sign_in(client, contractor.uid, contractor.password).status_code == 403
    settings.AUTH_MATCH_EMAIL = True
    settings.AUTH_DELAY_BASE_SECONDS = 0
    assert sign_in(client, contractor.uid, contractor.password).status_code == 302
    assert signed_in_as(client) == "ext-1"


def test_the_administrators_group_marks_portal_administrators(directory, client, settings):
    settings.LDAP_ADMIN_GROUP_DN = "cn=portail-admins,ou=groups,dc=chum,dc=test"
    dora = directory.people["dora.test"]
    assert sign_in(client, dora.uid, dora.password).status_code == 302
    user = get_user_model().objects.get(username="dora")
    assert user.is_superuser and user.is_staff
    assert SignInEvent.objects.get(kind=Kind.SIGN_IN).reason == Reason.ADMIN_GRANTED


def test_leaving_the_group_takes_back_only_what_it_gave(directory, client, settings, org):
    settings.LDAP_ADMIN_GROUP_DN = "cn=portail-admins,ou=groups,dc=chum,dc=test"
    user = org.user("alice")
    user.is_staff = user.is_superuser = True  # staff status given by hand, superuser by the group
    user.save()
    DirectoryAdminGrant.objects.create(user=user, granted_staff=False, granted_superuser=True)
    alice = directory.people["alice.test"]
    assert sign_in(client, alice.uid, alice.password).status_code == 302
    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser) == (True, False)
    assert not DirectoryAdminGrant.objects.exists()


def test_roles_never_come_from_the_directory_without_a_configured_group(directory, client):
    dora = directory.people["dora.test"]  # member of the group, but no group is configured
    assert sign_in(client, dora.uid, dora.password).status_code == 302
    assert not get_user_model().objects.get(username="dora").is_superuser


def test_tls_is_refused_when_the_certificate_is_not_from_the_configured_authority(directory, client, settings):
    settings.LDAP_CA_FILE = directory.rogue_ca_file
    alice = directory.people["alice.test"]
    response = sign_in(client, alice.uid, alice.password)
    assert "ne répond pas" in response.content.decode()
    assert signed_in_as(client) is None
    assert SignInEvent.objects.get().reason == Reason.DIRECTORY_UNAVAILABLE


def test_tls_is_refused_when_the_certificate_names_another_server(directory, client, settings):
    settings.LDAP_URL = directory.wrong_name_url
    alice = directory.people["alice.test"]
    sign_in(client, alice.uid, alice.password)
    assert signed_in_as(client) is None
    assert SignInEvent.objects.get().reason == Reason.DIRECTORY_UNAVAILABLE


def test_start_tls_signs_in_and_checks_the_certificate_too(directory, client, settings):
    settings.LDAP_URL = directory.ldap_url
    settings.LDAP_START_TLS = True
    alice = directory.people["alice.test"]
    assert sign_in(client, alice.uid, alice.password).status_code == 302
    client.logout()
    settings.LDAP_CA_FILE = directory.rogue_ca_file
    settings.AUTH_DELAY_BASE_SECONDS = 0
    sign_in(client, alice.uid, alice.password)
    assert signed_in_as(client) is None


def test_a_wrong_service_account_password_is_the_portal_s_problem_not_the_person_s(directory, client, settings):
    settings.LDAP_BIND_PASSWORD = "not-the-service-password"
    alice = directory.people["alice.test"]
    response = sign_in(client, alice.uid, alice.password)
    assert "ne répond pas" in response.content.decode()
    assert SignInEvent.objects.get().reason == Reason.DIRECTORY_UNAVAILABLE


def test_filter_characters_in_the_login_are_escaped(directory, client):
    for login in ("*", "alice.test)(uid=*", "a*"):
        assert directory_client.check_password(login, directory.people["alice.test"].password) is None


def test_an_empty_password_is_never_sent_to_the_directory(directory):
    assert directory_client.check_password("alice.test", "") is None


def test_a_silent_directory_times_out_quickly(directory, client, settings):
    """A server that accepts the connection and never answers: refused within the timeout."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    stop = threading.Event()
    held = []

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        settings.LDAP_URL = f"ldaps://127.0.0.1:{listener.getsockname()[1]}"
        settings.LDAP_TIMEOUT = 1
        started = time.monotonic()
        response = sign_in(client, "alice.test", "alice-directory-pw")
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        thread.join(timeout=5)
        for connection in held:
            connection.close()
        listener.close()
    assert "ne répond pas" in response.content.decode()
    assert elapsed < 5, f"the sign-in waited {elapsed:.1f}s for a silent directory"


def test_break_glass_administrator_signs_in_while_the_directory_is_down(directory, client, settings):
    settings.LDAP_URL = "ldaps://127.0.0.1:9"  # nothing listens there
    admin = UserFactory(username="secours", is_superuser=True, is_staff=True)
    assert sign_in(client, "secours", PASSWORD).status_code == 302
    assert signed_in_as(client) == "secours"
    assert admin.sign_in_events.get().method == Method.PASSWORD


def test_staff_cannot_use_a_portal_password_when_only_administrators_may(directory, client, org):
    # A directory is configured, so portal passwords are for administrators by default.
    response = sign_in(client, "alice", PASSWORD)
    assert signed_in_as(client) is None
    assert "Identifiant ou mot de passe incorrect" in response.content.decode()
    assert SignInEvent.objects.get().reason == Reason.LOCAL_LOGIN_NOT_ALLOWED


def test_clear_ldap_is_flagged_by_the_system_checks(directory, settings, capsys):
    from django.core.management.base import SystemCheckError

    settings.LDAP_URL = directory.ldap_url
    settings.LDAP_START_TLS = False
    with pytest.raises(SystemCheckError, match="accounts.W001"):
        call_command("check", "--fail-level", "WARNING")


def test_the_next_directory_server_answers_when_the_first_is_down(directory, client, settings):
    settings.LDAP_URL = f"ldaps://127.0.0.1:9,{directory.ldaps_url}"
    alice = directory.people["alice.test"]
    assert sign_in(client, alice.uid, alice.password).status_code == 302
