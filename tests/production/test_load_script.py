"""The load script (deploy/load/locustfile.py) works against the production profile: a short, small run
with the demo personas, no error; and it refuses any address that is not loopback before sending anything."""

from __future__ import annotations

import os
import subprocess

import pytest
from django.core.management import call_command

from tests.conftest import require_services

from .conftest import ROOT, free_port, production_env, start_web, stop, venv_tool

LOCUSTFILE = str(ROOT / "deploy" / "load" / "locustfile.py")


def locust(host: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [venv_tool("locust"), "-f", LOCUSTFILE, "--headless", "--host", host, "--only-summary", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout,
        # A generous p95 here: this checks the script and the personas, not the speed of a busy CI machine.
        env={**os.environ, "PORTAL_LOAD_HOST": "portail.test", "PORTAL_LOAD_P95_MS": "5000"},
    )


@pytest.mark.parametrize("host", ["http://10.0.0.1:8000", "http://portail.example.org"])
def test_anything_but_loopback_is_refused(host):
    result = locust(host, "-u", "1", "-r", "1", "-t", "3s", timeout=60)
    assert result.returncode != 0
    assert "not a loopback address" in result.stdout + result.stderr


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_short_run_with_the_demo_personas_has_no_error(collected_static, settings, tmp_path):
    require_services()
    from django.conf import global_settings

    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS  # the web node checks real hashes
    call_command("seed_demo", verbosity=0)
    port = free_port()
    web = start_web(production_env(collected_static, EVIDENCE_SANITISE_SECONDS="20"), port)
    try:
        result = locust(f"http://127.0.0.1:{port}", "-u", "6", "-r", "6", "-t", "12s", timeout=180)
    finally:
        stop(web)
    summary = [line for line in result.stdout.splitlines() if line.startswith("LOAD SUMMARY")]
    assert summary, result.stdout[-3000:] + result.stderr[-3000:]
    assert " errors=0 " in summary[0], result.stdout[-3000:] + result.stderr[-3000:]
    assert result.returncode == 0
