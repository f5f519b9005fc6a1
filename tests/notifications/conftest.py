"""Fixtures of the notification tests: test kinds, a real SMTP server on loopback, the worker's settings."""

from __future__ import annotations

import asyncio
import contextlib
import email
import socket
import time
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.utils.translation import gettext_lazy as _

from portal.notifications.kinds import register

# Kinds for in-process tests (the worker process only knows the kinds registered by the apps, such as
# "notifications.notice").
register("tests.routed", _("Incident à traiter"))
register(
    "tests.reminder", _("Prise de connaissance à confirmer"), reminder=True, detail=_("Échéance : %(due)s")
)
register("tests.urgent", _("Renseignements de patients exposés"), reminder=True, urgent=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """aiosmtpd handler keeping the messages it accepted; can refuse the next ones or answer slowly."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.refuse_next = 0
        self.refused = 0
        self.delay = 0.0
        self.stall_next_rcpt = 0.0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.stall_next_rcpt:
            stall, self.stall_next_rcpt = self.stall_next_rcpt, 0.0
            await asyncio.sleep(stall)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_next > 0:
            self.refuse_next -= 1
            self.refused += 1
            return "451 4.3.0 Service temporairement indisponible"
        if self.delay:
            await asyncio.sleep(self.delay)
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 30.0) -> list:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def celery_worker_env(smtp_server) -> dict[str, str]:
    """The worker sends to the test's SMTP server and retries quickly."""
    return {
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
        "NOTIFICATIONS_RETRY_BACKOFF": "0.2",
        "NOTIFICATIONS_SWEEP_AFTER": "0",
        "NOTIFICATIONS_CLAIM_TIMEOUT": "4",
    }


@contextlib.contextmanager
def broker_unreachable():
    """Point this process's Celery app at a closed port (as if Redis were down), then restore it."""
    from portal.celery import app

    def reset_pools():
        app._pool = None
        with contextlib.suppress(AttributeError, KeyError):
            app.__dict__["amqp"]._producer_pool = None

    previous = app.conf.broker_url
    app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
    reset_pools()
    try:
        yield
    finally:
        app.conf.broker_url = previous
        reset_pools()


def text_and_html(message) -> tuple[str, str]:
    """The text and HTML parts of a sent email (Django EmailMessage or a parsed message)."""
    if hasattr(message, "alternatives"):
        return message.body, message.alternatives[0].content
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html

