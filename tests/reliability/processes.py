"""Real processes for the fault tests, all on loopback: a private Redis and a private PostgreSQL cluster
(never the shared ones: these get killed and restarted), Celery workers and beat, gunicorn.

Every process starts in its own session so a test can SIGKILL it with its children, as a machine would
lose them; every one is stopped at the end of its fixture.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition: Callable[[], object], timeout: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return bool(condition())


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def kill_group(process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    """Signal the process and every child it started (it leads its own session)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=20)


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    kill_group(process, signal.SIGTERM)
    if process.poll() is None:
        kill_group(process, signal.SIGKILL)


class Redis:
    """A private redis-server without persistence: killing it loses what it held, as a crash would."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.workdir), "--loglevel", "warning"],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        assert wait_until(lambda: _port_open(self.port), 10), "redis-server did not start"

    def kill(self) -> None:
        if self.process is not None:
            kill_group(self.process)
            self.process = None


def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


class Postgres:
    """A private PostgreSQL cluster in a temporary folder (trust authentication, loopback only).

    As root, the cluster belongs to the `postgres` system user (PostgreSQL refuses to run as root).
    """

    def __init__(self):
        self.bin = postgres_bin()
        self.port = free_port()
        # Its own folder under /tmp: the test's folder is not reachable by the `postgres` user.
        self.workdir = Path(tempfile.mkdtemp(prefix="portal-reliability-pg-"))
        self.data = self.workdir / "pgdata"
        self.sockets = self.workdir / "pgsock"
        self.log = self.workdir / "postgres.log"
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            self.as_user = ["runuser", "-u", "postgres", "--"]

    def dsn(self, dbname: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([*self.as_user, *args], check=check, capture_output=True, text=True, timeout=120)

    def init(self) -> None:
        assert self.bin is not None, "PostgreSQL server binaries are not installed"
        self.sockets.mkdir(parents=True, exist_ok=True)
        if self.as_user:
            owner = pwd.getpwnam("postgres")
            for path in (self.workdir, self.sockets):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--no-sync")

    def _ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(str(self.bin / "pg_ctl"), action, "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                  "-o", options, *extra)

    def start(self) -> None:
        self._ctl("start")

    def restart(self) -> None:
        """A fast restart: open sessions are ended, their transactions rolled back."""
        self._ctl("restart", "-m", "fast")

    def stop(self) -> None:
        if self.data.exists():
            self._run(str(self.bin / "pg_ctl"), "stop", "-D", str(self.data), "-m", "immediate", "-w", check=False)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def psql(self, sql: str, dbname: str = "postgres") -> str:
        result = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", dbname, "-tAc", sql],
            check=True, capture_output=True, text=True, timeout=60,
        )
        return result.stdout.strip()

    def copy_database(self, source_dsn: str, dbname: str) -> None:
        """A copy of another server's database (schema and rows) under `dbname`."""
        self.psql(f'CREATE DATABASE "{dbname}"')
        dump = subprocess.run(["pg_dump", "--no-owner", "--no-privileges", source_dsn], check=True,
                              capture_output=True, timeout=120)
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", self.dsn(dbname)], input=dump.stdout, check=True,
                       capture_output=True, timeout=120)


def start_celery(kind: str, env: dict[str, str], log: Path, *extra: str) -> subprocess.Popen:
    """`celery -A portal worker|beat`, in its own session, logging to `log`."""
    handle = log.open("ab")
    command = [sys.executable, "-m", "celery", "-A", "portal", kind, "-l", "INFO", *extra]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
                            start_new_session=True)


def start_worker(env: dict[str, str], log: Path, *, queue: str, concurrency: int = 2) -> subprocess.Popen:
    process = start_celery("worker", env, log, "-Q", queue, "-c", str(concurrency), "--without-heartbeat",
                           "--without-mingle", "--without-gossip")
    return process


def worker_ready(log: Path, since: int = 0) -> bool:
    return log.exists() and b" ready." in log.read_bytes()[since:]


def start_beat(env: dict[str, str], log: Path, schedule: Path) -> subprocess.Popen:
    return start_celery("beat", env, log, "-s", str(schedule))


def start_gunicorn(env: dict[str, str], log: Path, port: int, workers: int = 2) -> subprocess.Popen:
    handle = log.open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", str(workers),
         "--timeout", "30", "--graceful-timeout", "5"],
        cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True,
    )
    assert wait_until(lambda: _port_open(port), 30), log.read_text(errors="replace")[-3000:]
    return process
