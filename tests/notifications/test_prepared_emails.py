"""A batch over SMTP serialises each distinct email once and gives every row its own To, Message-ID and
Date (portal.notifications.emails.PreparedEmails; docs/rules.md, "Performance"): what arrives is what a
message built in full would carry. Its commits do not wait for the disk flush, for the batch only."""

import email
from email import policy

import pytest
from django.db import connection

from portal.notifications import delivery, tasks
from portal.notifications.emails import PreparedEmails, build_message, render_notification
from portal.notifications.models import Notification

from .conftest import text_and_html
from .factories import NotificationFactory

pytestmark = pytest.mark.django_db


def _parsed(data: bytes):
    return email.message_from_bytes(data, policy=policy.default)


def test_prepared_bytes_carry_what_a_full_build_carries(db):
    rendered = render_notification(Notification(kind="tests.urgent", reference="INC-2026-00007", link="/"), "fr")
    prepared = PreparedEmails()
    built = build_message(rendered, "elise.gagnon@chum.test", message_id="<n.1@chum.test>")
    full = _parsed(built.message().as_bytes(linesep="\r\n"))  # as Django's SMTP backend writes it
    for address, message_id in (("elise.gagnon@chum.test", "<n.1@chum.test>"), ("marc@chum.test", "<n.2@chum.test>")):
        fast = _parsed(prepared.bytes_for(rendered, address, message_id))
        assert fast["To"] == address and fast["Message-ID"] == message_id and fast["Date"]
        for header in ("From", "Subject", "Auto-Submitted", "X-Auto-Response-Suppress", "MIME-Version"):
            assert fast[header] == full[header], header
        assert fast.get_content_type() == full.get_content_type() == "multipart/alternative"
        assert text_and_html(fast) == text_and_html(full)
    assert "Renseignements de patients exposés" in fast["Subject"]


@pytest.mark.parametrize(
    ("address", "message_id"),
    [
        ("élise@chum.test", "<n.1@chum.test>"),  # encoded by the email package
        ("Élise Gagnon <elise@chum.test>", "<n.1@chum.test>"),
        ("elise@chum.test", "<n 1@chum.test>"),
    ],
)
def test_what_the_email_package_would_encode_is_built_in_full(db, address, message_id):
    rendered = render_notification(Notification(kind="tests.routed", reference="R", link="/"), "fr")
    assert PreparedEmails().bytes_for(rendered, address, message_id) is None


def test_a_batch_over_smtp_gives_each_row_its_own_headers(org, settings, smtp_server, monkeypatch):
    from portal.notifications import emails

    built = []
    real_build = emails.build_message

    def counting(*args, **kwargs):
        built.append(args[1])
        return real_build(*args, **kwargs)

    monkeypatch.setattr(emails, "build_message", counting)  # what PreparedEmails builds
    monkeypatch.setattr(delivery, "build_message", counting)  # what a message built in full uses
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    people = [org.user(name) for name in ("alice", "bob", "carol")]
    rows = [NotificationFactory(recipient=person, reference="INC-2026-00042") for person in people]
    rows.append(NotificationFactory(recipient=people[0], reference="INC-2026-00043"))
    assert tasks.deliver_notifications.run([row.pk for row in rows]) == {"sent": 4}
    received = smtp_server.wait_for(4)
    expected = {(row.recipient.email, row.message_id, row.reference) for row in rows}
    assert {(m["To"], m["Message-ID"], "INC-2026-00042" if "00042" in text_and_html(m)[0] else "INC-2026-00043")
            for m in received} == expected  # fmt: skip
    assert len({m["Message-ID"] for m in received}) == 4
    # Two distinct emails, each built once (with the stand-in address), never once per row.
    assert built == [PreparedEmails._TO, PreparedEmails._TO]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="synchronous_commit is PostgreSQL's")
def test_the_batch_alone_commits_without_waiting_for_the_disk(org, monkeypatch):
    seen = []
    real = delivery._send_built

    def watching(*args):
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            seen.append(cursor.fetchone()[0])
        return real(*args)

    monkeypatch.setattr(delivery, "_send_built", watching)
    ids = [NotificationFactory(recipient=org.user(name)).pk for name in ("alice", "bob")]
    tasks.deliver_notifications.run(ids)
    assert seen == ["off", "off"]
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
