"""Failed deliveries: the admin filter with the last error, the retry action, the retry command."""

from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from portal.notifications.models import Notification

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db

Status = Notification.EmailStatus
CHANGELIST = reverse("admin:notifications_notification_changelist")


@pytest.fixture
def admin_client(org, login):
    user = org.user("diane")
    user.is_staff = True
    user.save()
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_notification", "change_notification"])
    )
    return login(user)


def _failed(org, **kwargs):
    return NotificationFactory(
        recipient=org.user("alice"), email_status=Status.FAILED, attempts=6,
        last_error="SMTPDataError: (451, b'Service temporairement indisponible')", **kwargs,
    )  # fmt: skip


def test_failed_filter_shows_the_last_error(org, admin_client):
    failed = _failed(org, reference="INC-FAILED")
    NotificationFactory(recipient=org.user("bob"), email_status=Status.SENT, reference="INC-SENT")
    response = admin_client.get(CHANGELIST + "?livraison=failed")
    assert response.status_code == 200
    body = response.content.decode()
    assert "INC-FAILED" in body and "INC-SENT" not in body
    assert "Service temporairement indisponible" in body
    assert (
        admin_client.get(reverse("admin:notifications_notification_change", args=[failed.pk])).status_code
        == 200
    )


def test_retry_action_sends_again(org, admin_client, django_capture_on_commit_callbacks):
    failed = _failed(org)
    sent = NotificationFactory(recipient=org.user("bob"), email_status=Status.SENT)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            CHANGELIST, {"action": "retry_delivery", "_selected_action": [failed.pk, sent.pk]}
        )
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.email_status == Status.SENT and failed.attempts == 1
    assert [m.to for m in mail.outbox] == [["alice@chum.test"]]


def test_employee_cannot_open_the_notification_admin(org, login):
    assert login(org.user("alice")).get(CHANGELIST).status_code == 302


def test_retry_command(org, django_capture_on_commit_callbacks):
    first, second = _failed(org), _failed(org)
    digest_row = _failed(org, kind="tests.reminder", digest=True)
    out = StringIO()
    call_command("retry_notifications", "--dry-run", stdout=out)
    assert "3 failed" in out.getvalue()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("retry_notifications", str(first.pk), stdout=out)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.email_status == Status.SENT and second.email_status == Status.FAILED
    with django_capture_on_commit_callbacks(execute=True):
        call_command("retry_notifications", stdout=out)
    assert "2 failed notification(s) put back" in out.getvalue()
    digest_row.refresh_from_db()
    assert digest_row.email_status == Status.DIGEST  # back to the next digest, not a single email
    assert len(mail.outbox) == 2
