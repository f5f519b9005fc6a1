"""The sign-in log page, the login page in each mode, and the pages around signing in and out."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import SignInEvent
from portal.accounts.services import sign_in_event_record, sign_in_log_purge
from portal.accounts.tasks import purge_sign_in_log
from tests.factories import PASSWORD, UserFactory
from tests.ui.test_accessibility import problems

Kind, Method, Reason = SignInEvent.Kind, SignInEvent.Method, SignInEvent.Reason
LOG = reverse("accounts:sign_in_log")


def events(count, **values):
    SignInEvent.objects.bulk_create(
        SignInEvent(kind=values.get("kind", Kind.SIGN_IN), method=Method.PASSWORD, identifier=f"id{n}",
                    user=values.get("user"), client_ip="10.0.0.1")
        for n in range(count)
    )


# --- The sign-in log --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["diane", "dora"])
def test_dcai_reads_the_sign_in_log(org, login, name):
    events(3, user=org.user("alice"))
    response = login(org.user(name)).get(LOG)
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 3 + 1  # and their own sign-in
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]


def test_administrators_read_it_too(client, db):
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    client.force_login(admin, backend="portal.accounts.backends.PortalPasswordBackend")
    assert client.get(LOG).status_code == 200


@pytest.mark.parametrize("name", ["alice", "bob", "carol", "harry", "oscar"])
def test_everyone_else_gets_404(org, login, name):
    assert login(org.user(name)).get(LOG).status_code == 404


def test_filters(org, login):
    alice = org.user("alice")
    sign_in_event_record(request=None, kind=Kind.SIGN_IN, method=Method.OIDC, user=alice)
    sign_in_event_record(request=None, kind=Kind.REFUSAL, method=Method.LDAP, reason=Reason.BAD_CREDENTIALS,
                         identifier="a.test")
    old = sign_in_event_record(request=None, kind=Kind.SIGN_IN, method=Method.PASSWORD, user=alice)
    SignInEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=90))
    client = login(org.user("diane"))

    def count(**query):
        return client.get(LOG, query).context["page_obj"].paginator.count

    assert count(who="alice") == 1  # the last 30 days by default
    assert count(who="alice", day_from=(timezone.localdate() - datetime.timedelta(days=100)).isoformat()) == 2
    assert count(who="a.test") == 1
    assert count(kind=Kind.REFUSAL) == 1
    assert count(method=Method.OIDC) == 1
    response = client.get(LOG, {"kind": "nonsense", "method": Method.LDAP})
    assert response.context["page_obj"].paginator.count == 1
    assert "ont été ignorés" in response.content.decode()


def test_the_log_page_costs_the_same_for_2_or_50_rows(org, login, django_assert_max_num_queries):
    client = login(org.user("diane"))
    events(2, user=org.user("alice"))
    client.get(LOG)
    with django_assert_max_num_queries(12) as few:
        client.get(LOG)
    events(48, user=org.user("bob"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(LOG)


def test_log_page_is_accessible_and_fits_phones(org, login):
    events(3, user=org.user("alice"))
    html = login(org.user("diane")).get(LOG).content.decode()
    assert problems(html) == []
    assert "d-md-none" in html and "table-responsive" in html


def test_the_menu_shows_the_log_to_dcai_only(org, login):
    assert LOG in login(org.user("diane")).get(reverse("home")).content.decode()
    assert LOG not in login(org.user("alice")).get(reverse("home")).content.decode()


def test_old_rows_are_purged_after_the_retention_period(db, settings):
    settings.SIGN_IN_LOG_RETENTION_DAYS = 365
    events(2)
    SignInEvent.objects.filter(identifier="id0").update(created_at=timezone.now() - datetime.timedelta(days=366))
    assert purge_sign_in_log.delay().get() == 1
    assert list(SignInEvent.objects.values_list("identifier", flat=True)) == ["id1"]
    assert sign_in_log_purge() == 0


# --- Login page, sign-out, password pages --------------------------------------------------------------


def test_without_a_directory_the_password_form_is_the_page(client, db):
    html = client.get(reverse("login")).content.decode()
    assert 'name="password"' in html and "compte de l" not in html and "<details" not in html
    assert problems(html) == []


def test_with_a_directory_portal_passwords_are_for_administrators_by_default(org, client, settings):
    settings.LDAP_URL = "ldaps://127.0.0.1:9"
    settings.LDAP_SEARCH_BASE = "dc=chum,dc=test"
    admin = UserFactory(username="secours", is_superuser=True, is_staff=True)
    assert client.post(reverse("login"), {"username": "alice", "password": PASSWORD}).status_code == 200
    assert client.post(reverse("login"), {"username": admin.username, "password": PASSWORD}).status_code == 302


def test_local_login_all_lets_everyone_use_a_portal_password_even_with_a_directory(org, client, settings):
    settings.LDAP_URL = "ldaps://127.0.0.1:9"
    settings.AUTH_LOCAL_LOGIN = "all"
    assert client.post(reverse("login"), {"username": "alice", "password": PASSWORD}).status_code == 302


def test_local_login_off_refuses_even_administrators(org, client, settings):
    settings.LDAP_URL = "ldaps://127.0.0.1:9"
    settings.AUTH_LOCAL_LOGIN = "off"
    UserFactory(username="secours", is_superuser=True, is_staff=True)
    assert client.post(reverse("login"), {"username": "secours", "password": PASSWORD}).status_code == 200
    assert "_auth_user_id" not in client.session


def test_password_change_is_only_for_accounts_allowed_a_portal_password(org, login, settings):
    client = login(org.user("alice"))
    assert client.get(reverse("password_change")).status_code == 200
    assert reverse("password_change") in client.get(reverse("home")).content.decode()
    settings.LDAP_URL = "ldaps://127.0.0.1:9"
    assert client.get(reverse("password_change")).status_code == 404
    assert reverse("password_change") not in client.get(reverse("home")).content.decode()


def test_the_admin_signs_in_through_the_portal_page(org, client, login):
    response = client.get("/admin/login/?next=/admin/portal/")
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=/admin/portal/"
    assert login(org.user("alice")).get("/admin/login/").status_code == 403


def test_sign_out_shows_the_signed_out_page_and_is_audited(org, login):
    client = login(org.user("alice"))
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("accounts:signed_out")
    page = client.get(response["Location"])
    assert page.status_code == 200 and problems(page.content.decode()) == []
    event = SignInEvent.objects.get(kind=Kind.SIGN_OUT)
    assert (event.reason, event.user.username) == (Reason.BY_PERSON, "alice")
    assert client.get(reverse("logout")).status_code in (302, 405)


def test_the_refusal_page_without_a_refusal_goes_back_to_sign_in(client, db):
    assert client.get(reverse("accounts:refused"))["Location"] == reverse("login")


def test_a_sign_in_and_a_refusal_are_audited_with_the_client_address(org, client, settings):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    client.post(reverse("login"), {"username": "alice", "password": "nope"},
                REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.44")
    client.post(reverse("login"), {"username": "bob", "password": PASSWORD},
                REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.45")
    rows = list(SignInEvent.objects.order_by("id").values_list("kind", "identifier", "client_ip"))
    assert rows == [(Kind.REFUSAL, "alice", "192.0.2.44"), (Kind.SIGN_IN, "bob", "192.0.2.45")]
    assert "nope" not in str(list(SignInEvent.objects.values()))


# --- Configuration checks ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"AUTH_LOCAL_LOGIN": "sometimes"}, "accounts.E001"),
        ({"AUTH_LOCAL_LOGIN": "off"}, "accounts.E002"),
        ({"OIDC_ISSUER": "https://login.example/tenant/v2.0", "OIDC_CLIENT_ID": ""}, "accounts.E003"),
        ({"LDAP_URL": "ldaps://dc1.example", "LDAP_SEARCH_BASE": ""}, "accounts.E004"),
        ({"SESSION_IDLE_MINUTES": 0}, "accounts.E005"),
    ],
)
def test_a_configuration_nobody_could_sign_in_with_stops_the_portal(settings, values, code):
    for key, value in values.items():
        setattr(settings, key, value)
    with pytest.raises(SystemCheckError, match=code):
        call_command("check")


def test_the_admin_signs_out_through_the_portal_too(client, db):
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    client.force_login(admin, backend="portal.accounts.backends.PortalPasswordBackend")
    response = client.post("/admin/logout/")
    assert response["Location"] == reverse("accounts:signed_out")
    assert SignInEvent.objects.filter(kind=Kind.SIGN_OUT, user=admin).exists()


def test_a_huge_log_is_not_counted_to_the_last_row(org, login, monkeypatch):
    from portal.accounts import views

    monkeypatch.setattr(views, "LOG_COUNT_CAP", 5)
    events(8, user=org.user("alice"))
    response = login(org.user("diane")).get(LOG)
    assert response.context["page_obj"].paginator.capped
    assert "Plus de 5 événements" in response.content.decode()
