"""Health probes for a load balancer or a supervisor (README, "Production"), without login.

- `/sante/` (liveness): the process answers. No database, no cache, no session.
- `/sante/pret/` (readiness): the database answers, the cache and the broker answer, the private storage
  accepts a write. 200 when all are ok, 503 otherwise.

The answer says only "ok" or "failed" per component: the reason goes to the log, never to the caller.
The probes are answered by `HealthCheckMiddleware`, placed before the host check, the HTTPS redirect and
the sessions, so a balancer can probe each node by its address over plain HTTP; the same views are
routed in portal/urls.py.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger("portal.health")

LIVE_PATH = "/sante/"
READY_PATH = "/sante/pret/"
BROKER_TIMEOUT = 2.0


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone()[0] != 1:
            raise RuntimeError("unexpected answer")


def check_cache() -> None:
    key, value = f"portal:health:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=30)
    try:
        if cache.get(key) != value:
            raise RuntimeError("the cache did not keep a value")
    finally:
        cache.delete(key)


def check_broker() -> None:
    from .celery import app

    if app.conf.task_always_eager:
        return  # tasks run in this process: there is no broker to reach
    if app.conf.broker_url.startswith("filesystem://"):
        probe = Path(app.conf.broker_transport_options["data_folder_out"]) / f".health-{uuid.uuid4().hex}"
        probe.write_bytes(b"")
        probe.unlink()
        return
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT)


def check_storage() -> None:
    from .storage import private_storage

    storage = private_storage()
    name = storage.save(f"health/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with storage.open(name, "rb") as handle:
            if handle.read() != b"ok":
                raise RuntimeError("the storage did not keep a file")
    finally:
        storage.delete(name)


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "storage": check_storage,
}


def readiness() -> tuple[bool, dict[str, str]]:
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            check()
        except Exception as error:  # any failure of a component is "failed", with the reason in the log
            results[name] = "failed"
            logger.warning(
                "Readiness: %s failed after %.0f ms: %s: %s",
                name,
                (time.perf_counter() - started) * 1000,
                type(error).__name__,
                error,
            )
        else:
            results[name] = "ok"
    return all(value == "ok" for value in results.values()), results


def _answer(status: str, checks: dict[str, str] | None = None, *, code: int = 200) -> JsonResponse:
    body: dict = {"status": status}
    if checks is not None:
        body["checks"] = checks
    response = JsonResponse(body, status=code)
    response["Cache-Control"] = "no-store"
    response["Content-Length"] = str(len(response.content))
    return response


@login_not_required
@never_cache
def live(request: HttpRequest) -> JsonResponse:
    return _answer("ok")


@login_not_required
@never_cache
def ready(request: HttpRequest) -> JsonResponse:
    ok, checks = readiness()
    return _answer("ok" if ok else "failed", checks, code=200 if ok else 503)


class HealthCheckMiddleware:
    """Answers GET/HEAD on the two probe paths before anything else looks at the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if request.method in ("GET", "HEAD"):
            if request.path == LIVE_PATH:
                return live(request)
            if request.path == READY_PATH:
                return ready(request)
        return self.get_response(request)
