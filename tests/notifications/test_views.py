"""In-app notifications: own rows only, constant queries, mark read, preferences, navigation, home panel."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.notifications.models import Notification, NotificationPreference

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db

LIST = reverse("notifications:list")


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_list_shows_only_my_notifications(org, login):
    mine = NotificationFactory(recipient=org.user("alice"), reference="INC-MINE")
    NotificationFactory(recipient=org.user("oscar"), reference="INC-OSCAR")
    response = login(org.user("alice")).get(LIST)
    assert response.status_code == 200
    assert b"INC-MINE" in response.content and b"INC-OSCAR" not in response.content
    assert reverse("notifications:open", args=[mine.pk]).encode() in response.content


def test_list_costs_the_same_queries_for_many_rows(org, login, django_assert_max_num_queries):
    alice = org.user("alice")
    client = login(alice)
    NotificationFactory.create_batch(2, recipient=alice)
    few = _queries(client, LIST)
    NotificationFactory.create_batch(48, recipient=alice)
    many = _queries(client, LIST)
    assert many == few
    with django_assert_max_num_queries(12):
        client.get(LIST + "?page=2")


def test_unread_count_in_the_navigation_is_one_query(org, login):
    alice = org.user("alice")
    client = login(alice)
    NotificationFactory.create_batch(2, recipient=alice)
    few = _queries(client, reverse("notifications:preferences"))
    NotificationFactory.create_batch(60, recipient=alice)
    NotificationFactory.create_batch(5, recipient=alice, read_at="2026-01-01T00:00:00Z")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("notifications:preferences"))
    assert len(ctx.captured_queries) == few
    counts = [q["sql"] for q in ctx.captured_queries if 'FROM "notifications_notification"' in q["sql"]]
    assert len(counts) == 1 and "COUNT(" in counts[0]
    assert b'id="notifications-unread"' in response.content
    assert b">62<" in response.content


def test_unread_filter(org, login):
    alice = org.user("alice")
    NotificationFactory(recipient=alice, reference="INC-NEW")
    NotificationFactory(recipient=alice, reference="INC-OLD", read_at="2026-01-01T00:00:00Z")
    response = login(alice).get(LIST + "?filtre=non-lues")
    assert b"INC-NEW" in response.content and b"INC-OLD" not in response.content


def test_mark_read_own_only(org, login):
    alice_row = NotificationFactory(recipient=org.user("alice"))
    oscar_row = NotificationFactory(recipient=org.user("oscar"))
    client = login(org.user("alice"))
    assert client.post(reverse("notifications:read", args=[oscar_row.pk])).status_code == 404
    assert client.get(reverse("notifications:open", args=[oscar_row.pk])).status_code == 404
    oscar_row.refresh_from_db()
    assert oscar_row.read_at is None
    response = client.post(
        reverse("notifications:read", args=[alice_row.pk]), {"next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == LIST
    alice_row.refresh_from_db()
    assert alice_row.read_at is not None
    assert client.get(reverse("notifications:read", args=[alice_row.pk])).status_code == 405


def test_mark_read_with_htmx_returns_the_row_and_the_new_count(org, login):
    alice = org.user("alice")
    row, _other = NotificationFactory.create_batch(2, recipient=alice)
    response = login(alice).post(reverse("notifications:read", args=[row.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="notification-{row.pk}"' in body
    assert 'hx-swap-oob="true"' in body and ">1<" in body
    assert "<html" not in body


def test_open_marks_read_and_follows_the_link(org, login):
    alice = org.user("alice")
    row = NotificationFactory(recipient=alice, link="/incidents/7/")
    response = login(alice).get(reverse("notifications:open", args=[row.pk]))
    assert response.status_code == 302 and response["Location"] == "/incidents/7/"
    row.refresh_from_db()
    assert row.read_at is not None


def test_open_never_leaves_the_portal(org, login):
    alice = org.user("alice")
    row = NotificationFactory(recipient=alice, link="https://evil.example/")
    response = login(alice).get(reverse("notifications:open", args=[row.pk]))
    assert response["Location"] == LIST


def test_mark_all_read_touches_only_mine(org, login):
    NotificationFactory.create_batch(3, recipient=org.user("alice"))
    NotificationFactory(recipient=org.user("oscar"))
    response = login(org.user("alice")).post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert Notification.objects.filter(read_at__isnull=True).get().recipient == org.user("oscar")


def test_preferences_page(org, login):
    alice = org.user("alice")
    client = login(alice)
    url = reverse("notifications:preferences")
    response = client.get(url)
    assert response.status_code == 200 and b'name="reminders"' in response.content
    assert client.post(url, {"reminders": "digest"}).status_code == 302
    assert NotificationPreference.objects.get(user=alice).reminders == "digest"
    response = client.post(url, {"reminders": "never"})
    assert response.status_code == 400
    assert NotificationPreference.objects.get(user=alice).reminders == "digest"
    assert not NotificationPreference.objects.filter(user=org.user("oscar")).exists()


def test_preferences_refused_by_the_service_land_on_the_form(org, login, monkeypatch):
    """The page goes through portal.actions.attempt: the service's refusal is shown on its field."""
    from django.core.exceptions import ValidationError

    from portal.notifications import services

    def refuse(**kwargs):
        raise ValidationError({"reminders": "Choix refusé par le service."})

    monkeypatch.setattr(services, "preference_set", refuse)
    response = login(org.user("alice")).post(reverse("notifications:preferences"), {"reminders": "digest"})
    assert response.status_code == 400
    assert response.context["form"].errors["reminders"] == ["Choix refusé par le service."]
    assert not NotificationPreference.objects.exists()


@pytest.fixture
def only_my_panel(settings):
    settings.PORTAL_HOME_PANELS = ["portal.notifications.home.panels"]


def test_home_panel_shows_unread_with_constant_queries(org, login, only_my_panel):
    alice = org.user("alice")
    client = login(alice)
    NotificationFactory.create_batch(2, recipient=alice, reference="INC-HOME")
    few = _queries(client, reverse("home"))
    NotificationFactory.create_batch(30, recipient=alice, reference="INC-HOME")
    NotificationFactory.create_batch(3, recipient=org.user("oscar"), reference="INC-OSCAR")
    assert _queries(client, reverse("home")) == few
    response = client.get(reverse("home"))
    assert b"INC-HOME" in response.content and b"INC-OSCAR" not in response.content
    assert b"32 notifications non lues" in response.content


def test_home_panel_hidden_without_unread(org, login, only_my_panel):
    response = login(org.user("bob")).get(reverse("home"))
    assert b"notifications non lue" not in response.content
