"""Two web nodes, a worker and beat, sharing PostgreSQL, Redis and S3-compatible storage (the README's
"several machines"): each started with the command of its systemd unit (deploy/systemd/).

Sign in on node A, declare with evidence on A; on node B open the incident and download the evidence, take
it in charge and escalate it; the email goes out through the worker; beat escalates an overdue incident by
itself. Node A is stopped mid-way and B keeps serving, with A's sessions; login throttling counts across nodes.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
import uuid
from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from incidents.models import Evidence, Incident
from tests.conftest import require_services
from tests.incidents.factories import declare

from .conftest import ROOT, free_port, production_env, start_web, stop, unit_command

sys.path.insert(0, str(ROOT / "deploy" / "load"))
from portal_http import DEMO_PASSWORD, Person  # noqa: E402

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PROXY = {"Host": "portail.test", "X-Forwarded-Proto": "https", "X-Forwarded-For": "192.0.2.44"}


def person(port: int) -> Person:
    return Person(requests.Session(), f"http://127.0.0.1:{port}", PROXY)


def wait_until(condition, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return condition()


@pytest.fixture
def real_passwords(org, settings):
    """The server processes use the portal's real password hashers."""
    from django.conf import global_settings

    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    for name in ("alice", "bob", "olga"):
        user = org.user(name)
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])


def test_two_nodes_share_everything_and_survive_the_loss_of_one(
    org, real_passwords, s3_server, smtp_inbox, collected_static, settings
):
    require_services()
    from portal.storage import storage_config

    settings.STORAGES = {**settings.STORAGES, "private": storage_config(s3_server.storage_url())}
    queue = f"nodes-{uuid.uuid4().hex[:8]}"
    env = production_env(
        collected_static,
        STORAGE_URL=s3_server.storage_url(),
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_inbox.port}",
        CELERY_QUEUE=queue,
        BEAT_INTERVALS="incidents-escalate-overdue=2",
        LOG_FORMAT="json",
    )
    overdue = declare(org.user("olga"))  # olga has no manager: it waits at her direction's level
    processes: list[subprocess.Popen] = []
    try:
        port_a, port_b = free_port(), free_port()
        node_a = start_web(env, port_a)
        processes.append(node_a)
        node_b = start_web(env, port_b)
        processes.append(node_b)
        worker_command = unit_command("portal-worker.service")
        processes.append(subprocess.Popen([*worker_command, "-Q", queue], cwd=ROOT, env=env))
        beat_schedule = str(settings.BASE_DIR / "var" / f"beat-{queue}")
        beat_command = [word if not word.endswith("celerybeat-schedule") else beat_schedule
                        for word in unit_command("portal-beat.service")]
        processes.append(subprocess.Popen(beat_command, cwd=ROOT, env=env))

        # Node A: alice signs in and declares with a screenshot.
        alice = person(port_a)
        alice.sign_in("alice")
        answer = alice.declare(seed=7)
        assert answer.status_code == 302, answer.text[:2000]
        incident = Incident.objects.get(declarer=org.user("alice"))
        item = Evidence.objects.get(incident=incident)
        assert [key for key in s3_server.keys() if key.endswith(item.stored_name)]

        # Node A goes away; alice's session and everything else keep working on node B.
        stop(node_a)
        alice.base_url = f"http://127.0.0.1:{port_b}"
        assert alice.get(f"/incidents/{incident.pk}/").status_code == 200

        # Node B: bob (alice's manager) opens it, downloads the evidence, takes it in charge, escalates.
        bob = person(port_b)
        bob.sign_in("bob")
        page = bob.get(f"/incidents/{incident.pk}/")
        assert page.status_code == 200 and incident.reference in page.text
        download = bob.get(f"/incidents/{incident.pk}/preuves/{item.pk}/")
        assert download.status_code == 200
        assert hashlib.sha256(download.content).hexdigest() == item.sha256
        taken = bob.submit(f"/incidents/{incident.pk}/", f"/incidents/{incident.pk}/prendre-en-charge/", {})
        assert taken.status_code == 302
        escalated = bob.submit(
            f"/incidents/{incident.pk}/",
            f"/incidents/{incident.pk}/transmettre/",
            {"assessment": "Propos désobligeants, logo visible : à la direction d'évaluer."},
        )
        assert escalated.status_code == 302
        incident.refresh_from_db()
        assert incident.level == Incident.Level.DIRECTION

        # The direction's head is told by email, through the worker.
        carol = org.user("carol").email
        assert wait_until(lambda: any(m["To"] == carol for m in smtp_inbox.messages), 60), smtp_inbox.messages

        # Beat escalates the overdue incident by itself.
        Incident.objects.filter(pk=overdue.pk).update(deadline_at=timezone.now() - timedelta(minutes=1))
        assert wait_until(lambda: Incident.objects.get(pk=overdue.pk).level == Incident.Level.DCAI, 60)

        # Login throttling is shared: failures counted on one node lock the account on the others too.
        intruder = person(port_b)
        for _attempt in range(settings.AXES_FAILURE_LIMIT):
            intruder.submit("/comptes/connexion/", "/comptes/connexion/", {"username": "olga", "password": "x"})
        with pytest.raises(RuntimeError):
            person(port_b).sign_in("olga")

        assert requests.get(f"http://127.0.0.1:{port_b}/sante/pret/", timeout=10).json()["status"] == "ok"
    finally:
        for process in reversed(processes):
            stop(process)
