"""A batch over one SMTP connection (portal.notifications.delivery.SharedConnection): its rows read in one
query and one statement per email (the previous row's "mark sent" with the next row's claim), while at any
moment at most one row is accepted by the server and not yet marked sent (docs/rules.md, "Performance")."""

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.notifications import tasks
from portal.notifications.models import Notification

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db
Status = Notification.EmailStatus
TABLE = Notification._meta.db_table


class WatchingBackend(EmailBackend):
    """Records, at each send, how many rows are sending and how many are sent."""

    seen: list[tuple[int, int]] = []

    def send_messages(self, messages):
        statuses = list(Notification.objects.values_list("email_status", flat=True))
        WatchingBackend.seen.append((statuses.count(Status.SENDING), statuses.count(Status.SENT)))
        return super().send_messages(messages)


@pytest.fixture
def watching(settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_delivery_batch.WatchingBackend"
    WatchingBackend.seen = []
    return WatchingBackend


def _rows(org, count):
    people = [org.user(name) for name in ("alice", "bob", "carol", "harry", "diane", "oscar")]
    return [NotificationFactory(recipient=people[i % len(people)]).pk for i in range(count)]


def test_a_batch_costs_one_statement_per_email(org):
    ids = _rows(org, 6)
    with CaptureQueriesContext(connection) as ctx:
        counts = tasks.deliver_notifications.run(ids)
    assert counts == {"sent": 6}
    assert len(mail.outbox) == 6
    assert set(Notification.objects.filter(pk__in=ids).values_list("email_status", flat=True)) == {Status.SENT}
    statements = [q["sql"] for q in ctx.captured_queries if TABLE in q["sql"]]
    updates = [sql for sql in statements if sql.startswith("UPDATE")]
    reads = [sql for sql in statements if sql.startswith("SELECT")]
    assert len(updates) == 6 + 1  # the first claim, five "mark sent + next claim", the last "mark sent"
    assert len(reads) == 1  # the batch's rows with their recipients


def test_at_most_one_row_is_accepted_and_not_yet_marked_sent(org, watching):
    ids = _rows(org, 5)
    tasks.deliver_notifications.run(ids)
    # At the n-th send: the row being sent is the only one sending; every row before it is marked sent.
    assert watching.seen == [(1, n) for n in range(5)]


def test_a_row_already_sent_in_the_middle_is_skipped_and_the_others_marked(org):
    ids = _rows(org, 4)
    Notification.objects.filter(pk=ids[2]).update(email_status=Status.SENT)
    counts = tasks.deliver_notifications.run(ids)
    assert counts == {"sent": 3, "skipped": 1}
    assert len(mail.outbox) == 3
    assert set(Notification.objects.filter(pk__in=ids).values_list("email_status", flat=True)) == {Status.SENT}
    assert Notification.objects.get(pk=ids[1]).sent_at is not None  # marked with the claim that failed


def test_a_second_run_of_the_batch_sends_nothing(org):
    ids = _rows(org, 3)
    tasks.deliver_notifications.run(ids)
    assert tasks.deliver_notifications.run(ids) == {"skipped": 3}
    assert len(mail.outbox) == 3


def test_a_batch_renders_each_distinct_email_once_and_each_row_gets_its_own(org, monkeypatch):
    """Same content (a campaign: one kind, one link): rendered once per language; rows that differ (their
    reference) each get their own email."""
    from portal.notifications import delivery

    rendered = []
    real = delivery.render_notification

    def counting(notification, language):
        rendered.append((notification.pk, language))
        return real(notification, language)

    monkeypatch.setattr(delivery, "render_notification", counting)
    people = [org.user(name) for name in ("alice", "bob", "carol", "harry")]
    same = [NotificationFactory(recipient=person, reference="INC-2026-00042").pk for person in people]
    tasks.deliver_notifications.run(same)
    assert len(mail.outbox) == 4 and len({language for _pk, language in rendered}) == len(rendered)

    mail.outbox.clear()
    rendered.clear()
    own = [NotificationFactory(recipient=people[0], reference=f"INC-2026-0010{i}").pk for i in range(3)]
    tasks.deliver_notifications.run(own)
    assert len(rendered) == 3
    bodies = sorted(message.body for message in mail.outbox)
    assert all(f"INC-2026-0010{i}" in body for i, body in enumerate(bodies))
