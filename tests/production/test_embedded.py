"""The embedded default runs everything without Redis: `make run` starts a Celery worker with beat
embedded on a broker folder (deploy/Procfile.embedded), so an incident left past its deadline escalates by
itself and the emails go out through the worker; a large first import_org only queues its emails."""

from __future__ import annotations

import sqlite3
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from incidents.models import Incident
from tests.incidents.factories import declare

from .conftest import ROOT, procfile_command, stop

pytestmark = pytest.mark.django_db(transaction=True)


def level_of(pk: int, sqlite_file: Path | None) -> str:
    if sqlite_file is None:
        return Incident.objects.values_list("level", flat=True).get(pk=pk)
    with sqlite3.connect(sqlite_file) as db:
        return db.execute(f"SELECT level FROM {Incident._meta.db_table} WHERE id = ?", (pk,)).fetchone()[0]


def test_an_incident_past_its_deadline_escalates_by_itself_without_redis(org, tmp_path, smtp_inbox):
    import subprocess

    from .conftest import service_env

    incident = declare(org.user("alice"))
    assert incident.level == Incident.Level.MANAGER
    Incident.objects.filter(pk=incident.pk).update(deadline_at=timezone.now() - timedelta(minutes=1))

    sqlite_file = None
    if connection.vendor == "sqlite":
        # The embedded default: a SQLite file shared by the web server and the worker.
        sqlite_file = tmp_path / "portal.sqlite3"
        target = sqlite3.connect(sqlite_file)
        connection.connection.backup(target)
        target.close()
        database_url = f"sqlite:///{sqlite_file}"
    else:
        database_url = service_env()["DATABASE_URL"]
    env = service_env(
        DATABASE_URL=database_url,
        REDIS_URL="",
        CELERY_BROKER_FOLDER=str(tmp_path / "broker"),
        CELERY_BEAT_SCHEDULE_FILENAME=str(tmp_path / "beat-schedule"),
        BEAT_INTERVALS="incidents-escalate-overdue=1,notifications-sweep=5",
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_inbox.port}",
    )
    worker = subprocess.Popen(procfile_command("Procfile.embedded", "worker"), cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and level_of(incident.pk, sqlite_file) != Incident.Level.DIRECTION:
            assert worker.poll() is None, "the embedded worker stopped"
            time.sleep(0.5)
        assert level_of(incident.pk, sqlite_file) == Incident.Level.DIRECTION
        # The previous handler is told the deadline passed, the direction that it has a new incident, and the
        # declarer that it moved on: through the broker folder and the worker, not in anyone's request.
        smtp_inbox.wait_for(3, timeout=60)
        recipients = {message["To"] for message in smtp_inbox.messages}
        assert {org.user("bob").email, org.user("carol").email} <= recipients
    finally:
        stop(worker)


def reset_publishing(app) -> None:
    """Forget the connections and producers made for the previous broker settings."""
    import contextlib

    app._pool = None
    with contextlib.suppress(AttributeError, KeyError):
        app.__dict__["amqp"]._producer_pool = None


def test_a_large_first_import_only_queues_its_emails(db, tmp_path, settings):
    """No email is sent inside import_org on the embedded default: rows are written and handed to the
    worker through the broker folder in chunks, whatever the number of new people."""
    from portal.bench import institution_rows, rows_to_csv
    from portal.celery import app
    from portal.notifications.models import Notification
    from portal.orgimport import import_org
    from tests.roster.factories import policy_in_force

    policy_in_force()
    folder = tmp_path / "broker"
    (folder / "queue").mkdir(parents=True)
    (folder / "control").mkdir()
    keys = ("task_always_eager", "broker_url", "broker_transport_options")
    previous = {key: app.conf[key] for key in keys}
    app.conf.update(
        task_always_eager=False,
        broker_url="filesystem://localhost/",
        broker_transport_options={
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "control_folder": str(folder / "control"),
        },
    )
    reset_publishing(app)
    csv_file = tmp_path / "rh.csv"
    csv_file.write_bytes(rows_to_csv(institution_rows(staff=400, managers=20, directions=5)))
    try:
        report = import_org(csv_file)  # committed: the hand-over to the broker runs at commit
    finally:
        app.conf.update(previous)
        reset_publishing(app)
    assert report.ok
    assert mail.outbox == []
    pending = Notification.objects.filter(email_status=Notification.EmailStatus.PENDING).count()
    assert pending >= 400
    messages = list((folder / "queue").glob("*.msg"))
    assert 0 < len(messages) <= pending // 10  # chunks, not one message per person


def test_periodic_jobs_never_wait_behind_the_emails_without_redis():
    """Beat's jobs go to their own queue, which the one embedded worker serves in turn with the emails'."""
    import json
    import os
    import subprocess
    import sys

    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps({k: v.get('options', {}).get('queue') for k, v in settings.CELERY_BEAT_SCHEDULE.items()}))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", "REDIS_URL": ""}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    queues = json.loads(result.stdout.strip().splitlines()[-1])
    assert queues and set(queues.values()) == {"periodic"}
    worker = procfile_command("Procfile.embedded", "worker")
    assert worker[worker.index("--queues") + 1].split(",") == ["celery", "periodic"]
