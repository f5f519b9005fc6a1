"""The load script (deploy/load/locustfile.py) works against the production profile: every demo persona signs
in and takes every step of the mix (pages, queues and an incident, a declaration with a screenshot, the
acknowledgement) without an error; its speed gate fails a run whose p95 passes the limit; the statistics
can be reset once every person has signed in, with the sign-in phase still reported; and it refuses any
address that is not loopback, and locust's own --reset-stats, before sending anything.

The run is bounded by work, not by time (PORTAL_LOAD_TOUR=1: each person takes each step once, then the run
ends), so a busy machine makes it slower, never different; speed is asserted only by the README's measured
run, never here.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import RequestFactory

from incidents.models import Incident
from policies.campaigns.models import AcknowledgementRequest
from tests.conftest import require_services

from .conftest import ROOT, free_port, production_env, start_web, stop, venv_tool

sys.path.insert(0, str(ROOT / "deploy" / "load"))
from portal_http import encode_multipart, small_png  # noqa: E402

LOCUSTFILE = str(ROOT / "deploy" / "load" / "locustfile.py")
# One person of each demo persona in the script's mix (PERSONAS): three employees, two managers, the
# direction, HR and DCAI.
PEOPLE = 8
EMPLOYEES = 3
NO_SPEED_LIMIT_MS = "3600000"


def locust(host: str, *args: str, timeout: float = 300, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [venv_tool("locust"), "-f", LOCUSTFILE, "--headless", "--host", host, "--only-summary", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PORTAL_LOAD_HOST": "portail.test", **env},
    )


def summary_of(result: subprocess.CompletedProcess) -> dict[str, str]:
    lines = [line for line in result.stdout.splitlines() if line.startswith("LOAD SUMMARY")]
    assert len(lines) == 1, result.stdout[-3000:] + result.stderr[-3000:]
    return dict(re.findall(r"(\w+)=(\S+)", lines[0]))


def test_a_form_with_a_file_reaches_django_intact():
    # Encoded by the script itself, the same for requests and for locust's FastHttpSession.
    fields = {"csrfmiddlewaretoken": "jeton", "description": 'Propos « désobligeants » ; "cités" \r\n là'}
    screenshot = small_png(3)
    body, content_type = encode_multipart(fields, {"evidence": ("capture d'écran 3.png", screenshot, "image/png")})

    request = RequestFactory().post("/incidents/declarer/", data=body, content_type=content_type)

    assert content_type.startswith("multipart/form-data; boundary=")
    assert request.POST.dict() == fields
    upload = request.FILES["evidence"]
    assert (upload.name, upload.content_type, upload.read()) == ("capture d'écran 3.png", "image/png", screenshot)


@pytest.mark.parametrize("host", ["http://10.0.0.1:8000", "http://portail.example.org"])
def test_anything_but_loopback_is_refused(host):
    result = locust(host, "-u", "1", "-r", "1", "-t", "3s", timeout=60)
    assert result.returncode != 0
    assert "not a loopback address" in result.stdout + result.stderr
    assert "LOAD SUMMARY" not in result.stdout  # nothing was sent


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_every_persona_takes_every_step_without_error(collected_static, settings):
    require_services()
    from django.conf import global_settings

    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS  # the web node checks real hashes
    call_command("seed_demo", verbosity=0)
    employee = get_user_model().objects.get(username="employe")
    declared_before = Incident.objects.filter(declarer=employee).count()
    assert AcknowledgementRequest.objects.filter(profile__user=employee, satisfied_at=None).exists()

    port = free_port()
    # The sanitiser's deadline is about speed too: generous here, on a machine other suites may load.
    web = start_web(production_env(collected_static, EVIDENCE_SANITISE_SECONDS="60"), port)
    try:
        # -t is only an upper bound: the tour ends the run when the last person is done.
        tour = locust(
            f"http://127.0.0.1:{port}",
            *f"-u {PEOPLE} -r {PEOPLE} -t 240s".split(),
            PORTAL_LOAD_TOUR="1",
            PORTAL_LOAD_P95_MS=NO_SPEED_LIMIT_MS,
        )
        # With a p95 limit no request can meet, and the statistics reset after the sign-in.
        gate = locust(
            f"http://127.0.0.1:{port}",
            *"-u 1 -r 1 -t 120s".split(),
            PORTAL_LOAD_TOUR="1",
            PORTAL_LOAD_P95_MS="0",
            PORTAL_LOAD_RESET_AFTER_SIGN_IN="1",
        )
    finally:
        stop(web)

    output = tour.stdout[-4000:] + tour.stderr[-4000:]
    summary = summary_of(tour)
    assert summary["errors"] == "0" and summary["exceptions"] == "0", output
    assert tour.returncode == 0, output
    # Not reset in a tour: the sign-ins are counted with the rest.
    assert summary["stats_reset"] == "none" and summary["sign_ins"] == str(PEOPLE), output
    assert int(summary["requests"]) >= PEOPLE * (2 + 7), output  # the sign-in's two requests and 7+ steps each
    # Each step reached the portal and was answered as a browser expects (a failure would count above).
    table = tour.stdout + tour.stderr  # locust writes its statistics table to its log (stderr)
    for name in (
        "sign in",
        "/",
        "/notifications/",
        "/politiques/[numéro]/",
        "/incidents/mes-declarations/",
        "/incidents/file/a-traiter/",
        "/incidents/[id]/",
        "/campagnes/",
        "/utilisateurs-autorises/",
        "/incidents/declarer/",
        "/campagnes/demandes/[id]/ (confirm)",
    ):
        assert re.search(rf"^\s*(GET|POST)\s+{re.escape(name)}\s+\d+\s+0\(", table, re.M), (name, output)
    # What the steps did: each employee's declaration (with its screenshot) is recorded, and the policy is
    # acknowledged.
    declared = Incident.objects.filter(declarer=employee, description__contains="essai de charge")
    assert Incident.objects.filter(declarer=employee).count() - declared_before == EMPLOYEES + 1  # + the gate's
    assert all(incident.evidence.count() == 1 for incident in declared)
    assert not AcknowledgementRequest.objects.filter(profile__user=employee, satisfied_at=None).exists()

    # The same run with a p95 limit no request can meet: no error, yet the script fails it.
    gate_summary = summary_of(gate)
    gate_output = gate.stdout[-3000:] + gate.stderr[-3000:]
    assert gate_summary["errors"] == "0", gate_output
    assert gate.returncode != 0
    # It reset its statistics once its one person had signed in: the sign-in (its form and its post) is
    # reported apart, and the figures that follow count the steps only.
    assert gate_summary["stats_reset"] == "after_sign_ins", gate_output
    assert gate_summary["sign_ins"] == "1" and gate_summary["phase_requests"] == "2", gate_output
    assert gate_summary["phase_failures"] == "0" and gate_summary["sign_in_p95"] != "0ms", gate_output
    assert int(gate_summary["requests"]) >= 7, gate_output


def test_locusts_own_reset_is_refused():
    result = locust("http://127.0.0.1:9", "--reset-stats", "-u", "1", "-r", "1", "-t", "3s", timeout=60)
    assert result.returncode != 0
    assert "PORTAL_LOAD_RESET_AFTER_SIGN_IN=1" in result.stdout + result.stderr
    assert "LOAD SUMMARY" not in result.stdout
