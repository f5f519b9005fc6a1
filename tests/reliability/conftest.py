"""Fixtures of the fault tests: a private Redis, a counting SMTP server, Celery workers and beat on the
test's PostgreSQL database. Skipped without PostgreSQL and Redis unless PORTAL_REQUIRE_SERVICES=1."""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import uuid
from collections import Counter
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings

from tests.conftest import database_url_for_worker, require_services
from tests.notifications.conftest import Inbox

from .processes import Redis, free_port, start_beat, start_worker, stop, wait_until, worker_ready


class CountingInbox(Inbox):
    """The SMTP server of the tests: keeps every accepted message; can stall the n-th RCPT so that a test
    kills a worker at a known moment (in the middle of a send, before the server accepted anything)."""

    def __init__(self):
        super().__init__()
        self.rcpt_seen = 0
        self.stall_rcpt_number = 0
        self.stall_seconds = 0.0
        self.stalling = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpt_seen += 1
        if self.stall_rcpt_number and self.rcpt_seen == self.stall_rcpt_number:
            self.stalling.set()
            await asyncio.sleep(self.stall_seconds)
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)

    def message_ids(self) -> Counter:
        return Counter(message["Message-ID"] for message in list(self.messages))

    def recipients(self) -> Counter:
        return Counter(message["To"] for message in list(self.messages))


@pytest.fixture
def inbox():
    handler = CountingInbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def redis(tmp_path):
    server = Redis(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.kill()


def _reset_connections(app) -> None:
    app._pool = None
    with contextlib.suppress(AttributeError, KeyError):
        app.__dict__["amqp"]._producer_pool = None
    with contextlib.suppress(AttributeError):
        del app._local.backend


@pytest.fixture
def broker(redis):
    """This process publishes to the private Redis (as the web process would), tasks not in-process."""
    from portal.celery import app

    previous = (app.conf.broker_url, app.conf.result_backend, app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.broker_url = app.conf.result_backend = redis.url
    app.conf.task_always_eager = False
    _reset_connections(app)
    try:
        yield app
    finally:
        app.conf.broker_url, app.conf.result_backend, app.conf.task_always_eager, app.conf.task_default_queue = (
            previous
        )
        _reset_connections(app)


class Rig:
    """Workers and beat of one test, sharing the test's database and the private Redis."""

    def __init__(self, tmp_path: Path, redis: Redis, inbox: CountingInbox, app):
        self.tmp = tmp_path
        self.queue = f"rel-{uuid.uuid4().hex[:10]}"
        self.application_name = f"reliability-{self.queue}"
        self.app = app
        app.conf.task_default_queue = self.queue
        self.env = {
            **os.environ,
            "DATABASE_URL": f"{database_url_for_worker()}?application_name={self.application_name}",
            "REDIS_URL": redis.url,
            "CELERY_QUEUE": self.queue,
            "EMAIL_URL": f"smtp://127.0.0.1:{inbox.port}",
            "PORTAL_BASE_URL": "http://portal.test",
            # The production rhythms, shortened so that each test stays under a minute.
            "NOTIFICATIONS_RETRY_BACKOFF": "0.5",
            "NOTIFICATIONS_SWEEP_AFTER": "2",
            "NOTIFICATIONS_REQUEUE_AFTER": "10",
            "NOTIFICATIONS_DEAD_CLAIM_GRACE": "3",
            "NOTIFICATIONS_CLAIM_TIMEOUT": "60",
            "CAMPAIGN_LAUNCH_RESUME_AFTER": "2",
            "BEAT_INTERVALS": "notifications-sweep=1,policies-resume-launches=1",
        }
        self.processes: list = []

    def worker(self, *, concurrency: int = 2, wait: bool = True):
        log = self.tmp / f"worker-{len(self.processes)}.log"
        process = start_worker(self.env, log, queue=self.queue, concurrency=concurrency)
        process.log = log
        self.processes.append(process)
        if wait:
            assert wait_until(lambda: worker_ready(log) or process.poll() is not None, 60), "worker not ready"
            assert process.poll() is None, log.read_text(errors="replace")[-3000:]
        return process

    def beat(self):
        process = start_beat(self.env, self.tmp / "beat.log", self.tmp / "beat-schedule")
        self.processes.append(process)
        return process

    def stop(self) -> None:
        for process in self.processes:
            stop(process)


@pytest.fixture
def rig(transactional_db, tmp_path, redis, inbox, broker):
    require_services()
    rig = Rig(tmp_path, redis, inbox, broker)
    try:
        yield rig
    finally:
        rig.stop()


@pytest.fixture(autouse=True)
def _services_required():
    """Every fault test needs PostgreSQL and Redis (see tests/conftest.py)."""
    require_services()
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
