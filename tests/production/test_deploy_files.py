"""What IT installs from deploy/ is valid as written: the systemd units (systemd-analyze verify), the
example environment (it passes `manage.py check --deploy`), and the Procfiles of `make run` / `make serve`
(the same commands as the units). gunicorn.conf.py, the units' commands and the nginx site are exercised by
test_two_nodes.py and test_nginx.py; the load script by test_load_script.py."""

from __future__ import annotations

import os
import secrets
import shlex
import shutil
import subprocess
import sys

import pytest

from .conftest import ROOT, VENV_BIN, unit_command

DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))


def example_environment() -> dict[str, str]:
    values = {}
    for line in (DEPLOY / "portal.env.example").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _sep, value = line.partition("=")
            values[key] = value
    return values


def test_the_three_units_are_there():
    assert [unit.name for unit in UNITS] == ["portal-beat.service", "portal-web.service", "portal-worker.service"]


def test_units_pass_systemd_analyze_verify(tmp_path):
    tool = shutil.which("systemd-analyze")
    if tool is None:
        if os.environ.get("PORTAL_REQUIRE_SERVICES") == "1":
            pytest.fail("systemd-analyze is required (package systemd)")
        pytest.skip("systemd-analyze is missing")
    (tmp_path / "portal.env").write_text("")
    for unit in UNITS:
        text = unit.read_text()
        for old, new in [
            ("/srv/portal/app/.venv/bin/", f"{VENV_BIN}/"),
            ("/srv/portal/app", str(ROOT)),
            ("/etc/portal/portal.env", str(tmp_path / "portal.env")),
            ("User=portal", "User=root"),
            ("Group=portal", "Group=root"),
        ]:
            text = text.replace(old, new)
        (tmp_path / unit.name).write_text(text)
    result = subprocess.run(
        [tool, "verify", *(str(tmp_path / unit.name) for unit in UNITS)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


def test_units_share_one_layout_and_write_only_to_var():
    for unit in UNITS:
        text = unit.read_text()
        assert "WorkingDirectory=/srv/portal/app" in text
        assert "EnvironmentFile=/etc/portal/portal.env" in text
        assert "ProtectSystem=strict" in text and "ReadWritePaths=/srv/portal/var" in text
    environment = example_environment()
    # What the portal writes on a node's own disk is under the one writable folder.
    assert environment["CELERY_BROKER_FOLDER"].startswith("/srv/portal/var/")
    beat = unit_command("portal-beat.service")
    assert beat[beat.index("--schedule") + 1].startswith("/srv/portal/var/")


def test_example_environment_passes_the_deploy_checks():
    environment = {**example_environment(), "SECRET_KEY": secrets.token_urlsafe(64)}
    assert environment["PORTAL_PRODUCTION"] == "true" and environment["PORTAL_TRUSTED_PROXY_COUNT"] == "1"
    env = {key: value for key, value in os.environ.items() if key not in ("DJANGO_SETTINGS_MODULE",)}
    env.update(environment)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("procfile", ["Procfile", "Procfile.embedded"])
def test_procfiles_are_valid(procfile):
    result = subprocess.run(
        [str(VENV_BIN / "honcho"), "-f", str(DEPLOY / procfile), "check"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_make_serve_runs_what_the_units_run():
    lines = {}
    for line in (DEPLOY / "Procfile").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _sep, command = line.partition(":")
            lines[name] = shlex.split(command)
    web = unit_command("portal-web.service")
    assert lines["web"][1:] == web[1:]
    worker = unit_command("portal-worker.service")
    assert lines["worker"][1:] == worker[1:]
    beat = unit_command("portal-beat.service")
    assert lines["beat"][1:] == beat[1 : beat.index("--schedule")]
