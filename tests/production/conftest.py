"""Real processes for the production tests: an S3 API server (moto's server mode), gunicorn, Celery, nginx.

Everything listens on loopback ports chosen at random and is stopped at the end of its test. A test that
needs PostgreSQL and Redis uses `require_services()` (tests/conftest.py): skipped locally without them,
a failure in CI (PORTAL_REQUIRE_SERVICES=1).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url: str, timeout: float = 60.0, process: subprocess.Popen | None = None) -> None:
    """Wait until `url` answers anything over HTTP (or fail early if the process died)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{process.args[:3]} exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout}s")


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
    if process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def venv_tool(name: str) -> str:
    path = VENV_BIN / name
    return str(path) if path.exists() else (shutil.which(name) or name)


class S3Server:
    def __init__(self, port: int, process: subprocess.Popen):
        self.port = port
        self.process = process
        self.endpoint = f"http://127.0.0.1:{port}"
        self.bucket = f"portal-{uuid.uuid4().hex[:8]}"

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            region_name="us-east-1",
        )

    def storage_url(self, prefix: str = "evidence") -> str:
        return f"s3://testing:testing@{self.bucket}/{prefix}?endpoint_url={self.endpoint}&region_name=us-east-1"

    def keys(self) -> list[str]:
        answer = self.client().list_objects_v2(Bucket=self.bucket)
        return sorted(item["Key"] for item in answer.get("Contents", []))


@pytest.fixture(autouse=True)
def patient_sanitiser(settings):
    """These tests are about distribution, storage and backups, not the evidence sanitiser's deadline (2 s),
    which a machine loaded by other suites can miss while a test prepares its evidence in this process."""
    settings.EVIDENCE_SANITISE_SECONDS = 60


@pytest.fixture
def s3_server():
    """moto in server mode: a real S3 API over HTTP on a loopback port, with one private bucket."""
    port = free_port()
    process = subprocess.Popen(
        [venv_tool("moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/", timeout=30, process=process)
        server = S3Server(port, process)
        server.client().create_bucket(Bucket=server.bucket)
        yield server
    finally:
        stop(process)


@pytest.fixture
def s3_storage(s3_server, settings):
    """The portal's private storage pointed at the S3 server."""
    from portal.storage import storage_config

    settings.STORAGES = {**settings.STORAGES, "private": storage_config(s3_server.storage_url())}
    return s3_server


def service_env(**extra: str) -> dict[str, str]:
    """Environment of a portal process started by a test (PostgreSQL test database, Redis, …)."""
    from django.conf import settings

    from tests.conftest import database_url_for_worker

    env = {
        **os.environ,
        "DATABASE_URL": database_url_for_worker(),
        "REDIS_URL": settings.REDIS_URL,
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(extra)
    return env


@pytest.fixture
def smtp_inbox():
    """A real SMTP server (aiosmtpd) on a loopback port, keeping what it receives."""
    from aiosmtpd.controller import Controller

    from tests.notifications.conftest import Inbox

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    try:
        yield inbox
    finally:
        controller.stop()


def procfile_command(procfile: str, name: str) -> list[str]:
    """A process line of deploy/<procfile>, as the argument list the test runs (tools of this venv)."""
    import shlex

    for line in (ROOT / "deploy" / procfile).read_text().splitlines():
        if line.startswith(f"{name}:"):
            words = shlex.split(line.split(":", 1)[1])
            return [venv_tool(words[0]) if words[0] in ("celery", "gunicorn") else words[0], *words[1:]]
    raise LookupError(f"{name} is not in deploy/{procfile}")


def unit_command(unit: str) -> list[str]:
    """The ExecStart line of deploy/systemd/<unit>, with this checkout in place of /srv/portal/app."""
    import shlex

    for line in (ROOT / "deploy" / "systemd" / unit).read_text().splitlines():
        if line.startswith("ExecStart="):
            words = shlex.split(line.removeprefix("ExecStart="))
            return [word.replace("/srv/portal/app/.venv/bin/", f"{VENV_BIN}/") for word in words]
    raise LookupError(f"no ExecStart in {unit}")


def static_sources_digest() -> str:
    """What collectstatic would read (every static file's path, size and time): a new or changed file gives
    a new digest, so a folder collected before it is never served with a stale manifest."""
    import hashlib

    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in sorted(finder.list([]), key=lambda item: item[0]):
            info = os.stat(storage.path(path))
            digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory) -> Path:
    """collectstatic as `make serve` does (the production profile needs its manifest), once for all the
    test processes of the run and kept for later runs while the static files stay the same. Brotli is left
    out here (gzip only): it costs a minute of CPU per run."""
    import fcntl

    shared = tmp_path_factory.getbasetemp().parent
    root = shared / f"production-staticfiles-{static_sources_digest()}"
    with open(shared / "production-staticfiles.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "staticfiles.json").exists():
            env = {**os.environ, "PORTAL_PRODUCTION": "true", "SECRET_KEY": "x" * 60, "STATIC_ROOT": str(root),
                   "DJANGO_SETTINGS_MODULE": "portal.settings"}
            code = (
                "import sys; sys.modules['brotli'] = None; "
                "from django.core.management import execute_from_command_line; "
                "execute_from_command_line(['manage.py', 'collectstatic', '--noinput', '--verbosity', '0'])"
            )
            subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, timeout=300)
    return root


def production_env(static_root: Path, **extra: str) -> dict[str, str]:
    """The production profile as deploy/portal.env.example sets it, on the test's services."""
    values = {
        "PORTAL_PRODUCTION": "true",
        "SECRET_KEY": "test-" + "k" * 60,
        "ALLOWED_HOSTS": "portail.test",
        "CSRF_TRUSTED_ORIGINS": "https://portail.test",
        "PORTAL_BASE_URL": "https://portail.test",
        "PORTAL_TRUSTED_PROXY_COUNT": "1",
        "STATIC_ROOT": str(static_root),
        "DATABASE_CONN_MAX_AGE": "60",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_THREADS": "4",
        # These tests are about distribution, not the sanitiser's deadline: a busy CI machine must not fail them.
        "EVIDENCE_SANITISE_SECONDS": "20",
    }
    return service_env(**{**values, **extra})


def start_web(env: dict[str, str], port: int, **popen) -> subprocess.Popen:
    """One web node: deploy/systemd/portal-web.service's command (gunicorn -c deploy/gunicorn.conf.py)."""
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    process = subprocess.Popen(unit_command("portal-web.service"), cwd=ROOT, env=env, **popen)
    wait_http(f"http://127.0.0.1:{port}/sante/", timeout=90, process=process)
    return process
