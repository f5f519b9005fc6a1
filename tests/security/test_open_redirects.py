"""No `next` or stored link sends a signed-in person to another site."""

import pytest
from django.urls import reverse

from tests.notifications.factories import NotificationFactory

EVIL = ["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:alert(1)"]


@pytest.mark.parametrize("link", EVIL)
def test_notification_open_ignores_a_foreign_link(org, login, link):
    notification = NotificationFactory(recipient=org.user("alice"), link=link)
    response = login(org.user("alice")).get(reverse("notifications:open", args=[notification.pk]))
    assert response["Location"] == reverse("notifications:list")


@pytest.mark.parametrize("target", EVIL)
def test_mark_read_next_stays_on_the_portal(org, login, target):
    notification = NotificationFactory(recipient=org.user("alice"))
    client = login(org.user("alice"))
    response = client.post(reverse("notifications:read", args=[notification.pk]), {"next": target})
    assert response["Location"] == reverse("notifications:list")
    response = client.post(reverse("notifications:read_all"), {"next": target})
    assert response["Location"] == reverse("notifications:list")


@pytest.mark.parametrize("target", EVIL)
def test_login_and_language_next_stay_on_the_portal(org, client, password, target):
    response = client.post(
        reverse("login") + f"?next={target}", {"username": "alice", "password": password}
    )
    assert response.status_code == 302 and "evil" not in response["Location"]
    response = client.post(reverse("set_language"), {"language": "en", "next": target})
    assert "evil" not in response.get("Location", "")


def test_someone_elses_notification_is_404(org, login):
    notification = NotificationFactory(recipient=org.user("bob"))
    client = login(org.user("alice"))
    assert client.get(reverse("notifications:open", args=[notification.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[notification.pk])).status_code == 404
