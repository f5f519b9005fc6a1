"""The embedded default runs everything without Redis: `make run` starts the web server and a Celery worker
with beat embedded on a broker folder (deploy/Procfile.embedded), so a demo incident left past its deadline
escalates by itself and the emails go out through the worker; a large first import_org only queues its emails.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from incidents.models import Incident

from .conftest import ROOT, VENV_BIN, free_port, procfile_command, wait_http

pytestmark = pytest.mark.django_db(transaction=True)

# The demo's own case (incidents/demo.py): the employee's declaration waiting for their manager.
PAST_DEADLINE = """
import json
from datetime import timedelta
from django.utils import timezone
from incidents.demo import DECLARATIONS
from incidents.models import Incident
case = Incident.objects.get(description=DECLARATIONS["waiting_manager"]["description"], level="manager")
Incident.objects.filter(pk=case.pk).update(deadline_at=timezone.now() - timedelta(minutes=1))
print(json.dumps({"pk": case.pk}))
"""


def level_of(pk: int, sqlite_file: Path) -> str:
    with sqlite3.connect(sqlite_file) as db:
        return db.execute(f"SELECT level FROM {Incident._meta.db_table} WHERE id = ?", (pk,)).fetchone()[0]


def emails_of(usernames: tuple[str, ...], sqlite_file: Path) -> set[str]:
    table = get_user_model()._meta.db_table
    marks = ",".join("?" * len(usernames))
    with sqlite3.connect(sqlite_file) as db:
        rows = db.execute(f"SELECT email FROM {table} WHERE username IN ({marks})", usernames).fetchall()
    return {email for (email,) in rows}


def test_an_incident_past_its_deadline_escalates_by_itself_without_redis(tmp_path, smtp_inbox):
    """`make run` as it is: its own SQLite file with the demo (migrate, seed_demo), then both processes of
    deploy/Procfile.embedded under honcho. Only the beat embedded in the worker can move the incident."""
    sqlite_file = tmp_path / "portal.sqlite3"
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DATABASE_URL=f"sqlite:///{sqlite_file}",
        REDIS_URL="",
        PORTAL_PORT=str(port),
        PATH=f"{VENV_BIN}:{env.get('PATH', '')}",
        PYTHONUNBUFFERED="1",
        CELERY_BROKER_FOLDER=str(tmp_path / "broker"),
        CELERY_BEAT_SCHEDULE_FILENAME=str(tmp_path / "beat-schedule"),
        # The production rhythm is every 5 minutes; the job and the path are the same.
        BEAT_INTERVALS="incidents-escalate-overdue=2,notifications-sweep=5",
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_inbox.port}",
    )

    def manage(*args: str) -> str:
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                                text=True, timeout=600)
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
        return result.stdout

    manage("migrate", "--noinput", "--verbosity", "0")
    manage("seed_demo")
    pk = json.loads(manage("shell", "-c", PAST_DEADLINE).strip().splitlines()[-1])["pk"]
    assert level_of(pk, sqlite_file) == Incident.Level.MANAGER

    log = tmp_path / "make-run.log"
    honcho = subprocess.Popen(
        [str(VENV_BIN / "honcho"), "--no-colour", "-f", str(ROOT / "deploy" / "Procfile.embedded"), "-d", str(ROOT),
         "start"],
        cwd=ROOT, env=env, start_new_session=True, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/sante/", timeout=120, process=honcho)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/sante/pret/", timeout=30) as answer:
            assert json.load(answer)["status"] == "ok"  # database, cache, broker folder, storage
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and level_of(pk, sqlite_file) != Incident.Level.DIRECTION:
            assert honcho.poll() is None, "make run stopped"
            time.sleep(0.5)
        assert level_of(pk, sqlite_file) == Incident.Level.DIRECTION, log.read_text()[-3000:]
        # The manager is told the deadline passed, the direction that it has a new incident, and the
        # declarer that it moved on: through the broker folder and the worker, not in anyone's request.
        # (The demo's earlier notifications go out through the same worker, so wait for these two.)
        expected = emails_of(("gestionnaire", "employe"), sqlite_file)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not expected <= {m["To"] for m in smtp_inbox.messages}:
            time.sleep(0.5)
        assert expected <= {m["To"] for m in smtp_inbox.messages}, log.read_text()[-3000:]
    finally:
        # honcho and its processes only: the session this test started.
        if honcho.poll() is None:
            os.killpg(honcho.pid, signal.SIGTERM)
        try:
            honcho.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(honcho.pid, signal.SIGKILL)
            honcho.wait(timeout=10)


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
