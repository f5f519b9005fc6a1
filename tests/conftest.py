"""Named personas shared by all tests.

- alice: an employee of the care direction (DSP), managed by bob
- bob: alice's manager (DSP)
- carol: head of the care direction (DSP)
- harry: an HR officer (DRH direction)
- diane: a DCAI officer (communications direction); dora heads DCAI
- oscar: an outsider from another direction (DST) who should have no access; olga is his manager
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AbstractBaseUser

from portal.models import Direction, StaffProfile

from .factories import PASSWORD, DirectionFactory, make_staff


@dataclass
class Org:
    general: Direction
    hr: Direction
    dcai: Direction
    care: Direction
    tech: Direction
    alice: StaffProfile
    bob: StaffProfile
    carol: StaffProfile
    harry: StaffProfile
    diane: StaffProfile
    dora: StaffProfile
    oscar: StaffProfile
    olga: StaffProfile

    def user(self, name: str) -> AbstractBaseUser:
        return getattr(self, name).user


@pytest.fixture
def org(db) -> Org:
    general = DirectionFactory(code="DG", name_fr="Direction générale", role=Direction.Role.GENERAL)
    hr = DirectionFactory(code="DRH", name_fr="Direction des ressources humaines", role=Direction.Role.HUMAN_RESOURCES)
    dcai = DirectionFactory(
        code="DCAI",
        name_fr="Direction des communications et de l'accès à l'information",
        role=Direction.Role.COMMUNICATIONS,
    )
    care = DirectionFactory(code="DSP", name_fr="Direction des soins infirmiers")
    tech = DirectionFactory(code="DST", name_fr="Direction des services techniques")

    carol = make_staff("carol", care)
    care.head = carol.user
    care.save()
    bob = make_staff("bob", care, manager=carol)
    alice = make_staff("alice", care, manager=bob)
    harry = make_staff("harry", hr)
    dora = make_staff("dora", dcai)
    dcai.head = dora.user
    dcai.save()
    diane = make_staff("diane", dcai, manager=dora)
    olga = make_staff("olga", tech)
    oscar = make_staff("oscar", tech, manager=olga)
    return Org(general, hr, dcai, care, tech, alice, bob, carol, harry, diane, dora, oscar, olga)


@pytest.fixture
def login(client):
    """login(user) signs the test client in as that user and returns the client."""

    def _login(user: AbstractBaseUser):
        client.force_login(user, backend="portal.accounts.backends.PortalPasswordBackend")
        return client

    return _login


@pytest.fixture
def password() -> str:
    return PASSWORD


# --- Real services -------------------------------------------------------------------------------
# Integration tests need PostgreSQL (shared with the worker process) and Redis. They are skipped on
# the embedded SQLite default, unless PORTAL_REQUIRE_SERVICES=1 (set by .ci/run) turns that into a failure.

import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402

from django.conf import settings as django_settings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def services_available() -> tuple[bool, str]:
    if not django_settings.REDIS_URL:
        return False, "REDIS_URL is not set"
    if django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return False, "DATABASE_URL is not PostgreSQL"
    return True, ""


def require_services() -> None:
    ok, why = services_available()
    if not ok:
        if os.environ.get("PORTAL_REQUIRE_SERVICES") == "1":
            pytest.fail(f"real services required: {why}")
        pytest.skip(f"real services unavailable: {why}")


def database_url_for_worker() -> str:
    from django.db import connection

    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def celery_worker_env() -> dict[str, str]:
    """Extra environment for the worker process; override in a test module to point it elsewhere."""
    return {}


@pytest.fixture
def celery_worker(transactional_db, celery_worker_env):
    """A real Celery worker process on its own queue, sharing this test's PostgreSQL database.

    The test process publishes to that queue; the fixture waits until the worker answers a ping task.
    """
    require_services()
    from portal.celery import app

    queue = f"test-{uuid.uuid4().hex[:10]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url_for_worker(),
        "REDIS_URL": django_settings.REDIS_URL,
        "CELERY_QUEUE": queue,
        **celery_worker_env,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "-Q", queue, "-c", "2",
         "--without-heartbeat", "--without-mingle", "--without-gossip", "-l", "WARNING"],
        cwd=ROOT,
        env=env,
    )
    previous = (app.conf.task_default_queue, app.conf.task_always_eager)
    app.conf.task_default_queue = queue
    app.conf.task_always_eager = False
    try:
        assert app.send_task("portal.ping", args=["ready"], queue=queue).get(timeout=60) == "pong:ready"
        process.queue = queue
        yield process
    finally:
        app.conf.task_default_queue, app.conf.task_always_eager = previous
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(autouse=True)
def _celery_in_process():
    """Unit tests run tasks in-process; only the `celery_worker` fixture talks to a real worker."""
    from celery._state import _set_task_join_will_block

    from portal.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    # Eager tasks run in two threads at once (concurrency tests) can leave Celery's process-wide
    # "inside a task" flag set, which would forbid waiting on a real worker's result afterwards.
    _set_task_join_will_block(False)
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _private_storage(tmp_path, settings):
    """Each test writes private files (evidence) to its own folder."""
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _statistics_counted_afresh(settings):
    """Tests reuse ids, so the statistics cache's key could match another test's data: counted every time
    (tests/oversight/test_statistics_cache.py turns it on)."""
    settings.STATISTICS_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Personas' passwords are hashed at creation; a fast hasher keeps the suite quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _french_after_each_test():
    """The locale middleware activates a language for the thread; start every test from French."""
    from django.utils import translation

    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request, django_db_modify_db_settings_parallel_suffix):
    """`--reuse-db` on SQLite (make test): keep each worker's test database in a file under var/, so the
    next run skips the migrations. Without the option the test databases stay in memory."""
    db = django_settings.DATABASES["default"]
    if request.config.getoption("reuse_db") and db["ENGINE"].endswith("sqlite3"):
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        (ROOT / "var").mkdir(exist_ok=True)
        db.setdefault("TEST", {})["NAME"] = str(ROOT / "var" / f"test-db-{worker}.sqlite3")


# --- Emptying test databases -----------------------------------------------------------------------
# Transactional tests end with a TRUNCATE of every table; on PostgreSQL the audit trail refuses it unless
# the session declares maintenance (portal/audit/migrations/0002_database_guard.py). Test sessions do.

from django.db.backends.signals import connection_created  # noqa: E402


def _declare_maintenance(sender, connection, **kwargs):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET portal.audit_maintenance = 'on'")


connection_created.connect(_declare_maintenance, dispatch_uid="tests-audit-maintenance")
