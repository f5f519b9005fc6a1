"""notify / notify_many / notify_people: the outbox row, the transaction, the digest routing, who is told."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction

from portal.notifications.models import Notification
from portal.notifications.services import (
    notifications_mark_all_read,
    notify,
    notify_many,
    notify_people,
    preference_set,
)

from .factories import NotificationPreferenceFactory

pytestmark = pytest.mark.django_db

Status = Notification.EmailStatus


def test_notify_writes_the_row_and_delivers_after_commit(org, django_capture_on_commit_callbacks):
    alice = org.user("alice")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = notify(kind="tests.routed", recipient=alice, target=org.care, context={"count": 2})
        assert len(mail.outbox) == 0  # nothing leaves before commit
    assert len(callbacks) == 1
    notification.refresh_from_db()
    assert notification.email_status == Status.SENT
    assert notification.reference and notification.attempts == 1
    assert [m.to for m in mail.outbox] == [[alice.email]]


def test_rolled_back_notification_is_never_written_nor_sent(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            notify(kind="tests.routed", recipient=org.user("alice"))
            raise RuntimeError("the action failed")
    assert callbacks == []
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_unknown_kind_is_refused(org):
    with pytest.raises(LookupError):
        notify(kind="tests.never-registered", recipient=org.user("alice"))


def test_context_keeps_short_values_only(org):
    alice = org.user("alice")
    row = notify(kind="tests.reminder", recipient=alice, context={"due": datetime.date(2026, 12, 5), "n": 3})
    assert row.context == {"due": "2026-12-05", "n": 3}
    with pytest.raises(ValueError, match="never the text of an incident"):
        notify(kind="tests.routed", recipient=alice, context={"description": "Une publication " * 20})
    with pytest.raises(ValueError):
        notify(kind="tests.routed", recipient=alice, context={"who": org.bob})


def test_reminder_goes_to_the_digest_for_people_who_chose_it(org, django_capture_on_commit_callbacks):
    alice, bob = org.user("alice"), org.user("bob")
    NotificationPreferenceFactory(user=alice)
    with django_capture_on_commit_callbacks(execute=True):
        to_alice = notify(kind="tests.reminder", recipient=alice)
        to_bob = notify(kind="tests.reminder", recipient=bob)
        not_a_reminder = notify(kind="tests.routed", recipient=alice)
    statuses = dict(Notification.objects.values_list("pk", "email_status"))
    assert statuses[to_alice.pk] == Status.DIGEST
    assert statuses[to_bob.pk] == Status.SENT
    assert statuses[not_a_reminder.pk] == Status.SENT
    assert sorted(m.to[0] for m in mail.outbox) == sorted([alice.email, bob.email])


def test_urgent_ignores_the_digest(org, django_capture_on_commit_callbacks):
    alice = org.user("alice")
    NotificationPreferenceFactory(user=alice)
    with django_capture_on_commit_callbacks(execute=True):
        urgent_kind = notify(kind="tests.urgent", recipient=alice)
        urgent_call = notify(kind="tests.reminder", recipient=alice, urgent=True)
        notify_many(kind="tests.urgent", recipients=[alice])
    assert set(Notification.objects.values_list("email_status", flat=True)) == {Status.SENT}
    assert urgent_kind.urgent and urgent_call.urgent
    assert len(mail.outbox) == 3
    assert all(m.subject.startswith("[URGENT]") for m in mail.outbox)


def test_notify_many_writes_in_bulk_once_per_person(
    org, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    people = [org.user(name) for name in ("alice", "bob", "carol", "harry", "diane")]
    NotificationPreferenceFactory(user=people[0])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with django_assert_max_num_queries(3):  # preferences, content type, one INSERT
            rows = notify_many(kind="tests.reminder", recipients=people + people[:2], target=org.care)
    assert len(rows) == 5 and len(callbacks) == 1
    assert Notification.objects.filter(email_status=Status.DIGEST).count() == 1
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people[1:])


def test_notify_many_without_anyone_writes_nothing(db):
    assert notify_many(kind="tests.routed", recipients=[]) == []


def test_notify_people_tells_each_active_person_once_never_the_actor_nor_the_excluded(
    org, django_capture_on_commit_callbacks
):
    departed = org.user("harry")
    departed.is_active = False
    departed.save()
    people = [org.user(n) for n in ("alice", "bob", "carol", "diane")] + [departed, org.user("bob").pk]
    with django_capture_on_commit_callbacks(execute=True):
        told = notify_people(
            "tests.routed", people, target=org.care, actor=org.user("diane"), exclude=[org.user("alice").pk, None]
        )
    assert told == 2
    assert sorted(Notification.objects.values_list("recipient__username", flat=True)) == ["bob", "carol"]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([org.user("bob").email, org.user("carol").email])


def test_notify_people_writes_nothing_when_the_caller_rolls_back(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            notify_people("tests.routed", [org.user("alice")], target=org.care)
            raise RuntimeError("the state change failed")
    assert not Notification.objects.exists() and not callbacks and not mail.outbox


def test_notify_people_with_nobody_left_writes_nothing(org):
    assert notify_people("tests.routed", [org.user("alice")], actor=org.user("alice")) == 0
    assert not Notification.objects.exists()


def test_preference_and_mark_all_read(org):
    alice = org.user("alice")
    assert preference_set(user=alice, reminders="digest").reminders == "digest"
    assert preference_set(user=alice, reminders="each").reminders == "each"
    with pytest.raises(ValidationError):
        preference_set(user=alice, reminders="never")
    notify(kind="tests.routed", recipient=alice)
    notify(kind="tests.routed", recipient=alice)
    notify(kind="tests.routed", recipient=org.user("bob"))
    assert notifications_mark_all_read(user=alice) == 2
    assert Notification.objects.filter(read_at__isnull=True).count() == 1
