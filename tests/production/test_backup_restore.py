"""The backup and restore drill (README, "Backup"): back up a populated portal, restore it onto a fresh
database and a fresh storage, and find every incident, acknowledgement and roster row, and every evidence
file with its recorded SHA-256. On the configured engine: SQLite's backup API, or pg_dump / pg_restore
on PostgreSQL (CI); from and into a folder, and from and into S3-compatible object storage."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import uuid
from collections.abc import Iterator

import pytest
from django.core.management import CommandError, call_command

from incidents.evidence import clean_uploads
from tests.incidents.factories import declare, pdf_bytes, png_bytes, upload
from tests.roster.factories import DesignationFactory, OfficialAccountFactory, acknowledge, policy_in_force

from .conftest import ROOT

pytestmark = pytest.mark.django_db(transaction=True)


def populate(org) -> None:
    version = policy_in_force()
    for name in ("alice", "bob", "carol", "diane"):
        acknowledge(org.user(name), version)
    account = OfficialAccountFactory(direction=org.dcai)
    DesignationFactory(profile=org.diane, accounts=[account])
    declare(
        org.user("alice"),
        evidence=clean_uploads([upload("capture.png", png_bytes()), upload("courriel.pdf", pdf_bytes())]),
    )
    declare(org.user("oscar"), evidence=clean_uploads([upload("autre.png", png_bytes(color=(1, 2, 3)))]))


def snapshot() -> dict:
    """What must survive: the rows that matter and whether each evidence file resolves to its SHA-256."""
    import hashlib

    from incidents.evidence import open_private
    from incidents.models import Event, Evidence, Incident
    from policies.models import Acknowledgement
    from portal.roster.models import Designation, DesignationEvent

    def resolves(item) -> bool:
        try:
            with open_private(item.stored_name) as handle:
                return hashlib.sha256(handle.read()).hexdigest() == item.sha256
        except (OSError, ValueError):
            return False

    return {
        "incidents": sorted(Incident.objects.values_list("pk", "reference", "level", "description")),
        "events": Event.objects.count(),
        "acknowledgements": sorted(Acknowledgement.objects.values_list("pk", "user_id", "version_id", "text_hash")),
        "designations": sorted(Designation.objects.values_list("pk", "profile_id", "status")),
        "designation_events": DesignationEvent.objects.count(),
        "evidence": sorted((e.pk, e.stored_name, e.sha256, resolves(e)) for e in Evidence.objects.all()),
    }


def snapshot_elsewhere(env: dict[str, str]) -> dict:
    code = "import django, json; django.setup(); from tests.production.test_backup_restore import snapshot; "
    code += "print(json.dumps(snapshot()))"
    env = {**env, "DJANGO_SETTINGS_MODULE": "portal.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def as_json(value) -> dict:
    return json.loads(json.dumps(value))


def fresh_env(**values: str) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("STORAGE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(values)
    return env


@contextlib.contextmanager
def fresh_database(tmp_path) -> Iterator[str]:
    """The URL of a new, empty database of the configured engine (SQLite file or PostgreSQL database)."""
    from django.db import connection

    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / f'restored-{uuid.uuid4().hex[:6]}.sqlite3'}"
        return
    import psycopg

    s = connection.settings_dict
    name = f"portal_restore_{uuid.uuid4().hex[:8]}"
    server = f"{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
    admin = f"postgres://{s['USER']}@{server}/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{s['USER']}@{server}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_drill(org, tmp_path):
    populate(org)
    before = snapshot()
    assert len(before["evidence"]) == 3 and all(item[3] for item in before["evidence"])

    call_command("backup", str(tmp_path / "backup"))
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert {entry["sha256"] for entry in manifest["files"]} == {item[2] for item in before["evidence"]}
    assert (tmp_path / "backup" / manifest["database"]["file"]).is_file()
    assert oct((tmp_path / "backup").stat().st_mode & 0o777) == oct(0o700)

    with fresh_database(tmp_path) as url:
        env = fresh_env(DATABASE_URL=url, PRIVATE_STORAGE_ROOT=str(tmp_path / "restored-files"))
        result = manage(env, "restore", str(tmp_path / "backup"))
        assert result.returncode == 0, result.stderr
        assert "3 files restored" in result.stdout
        assert snapshot_elsewhere(env) == as_json(before)
        assert manage(env, "migrate", "--check").returncode == 0  # the schema is the code's

        # A second restore onto the now populated database is refused, and changes nothing.
        again = manage(env, "restore", str(tmp_path / "backup"))
        assert again.returncode != 0 and "not empty" in again.stderr
        assert snapshot_elsewhere(env) == as_json(before)


def test_drill_from_and_into_object_storage(org, tmp_path, s3_server, settings):
    from portal.storage import storage_config

    settings.STORAGES = {**settings.STORAGES, "private": storage_config(s3_server.storage_url("original"))}
    populate(org)
    before = snapshot()
    call_command("backup", str(tmp_path / "backup"))
    with fresh_database(tmp_path) as url:
        env = fresh_env(DATABASE_URL=url, STORAGE_URL=s3_server.storage_url("restored"))
        result = manage(env, "restore", str(tmp_path / "backup"))
        assert result.returncode == 0, result.stderr
        assert snapshot_elsewhere(env) == as_json(before)
    restored = [key for key in s3_server.keys() if key.startswith("restored/")]
    assert len(restored) == len(before["evidence"]) == 3


def test_a_damaged_backup_is_refused_before_anything_is_touched(org, tmp_path):
    populate(org)
    call_command("backup", str(tmp_path / "backup"))
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    damaged = tmp_path / "backup" / "files" / manifest["files"][0]["name"]
    damaged.write_bytes(damaged.read_bytes()[:-1] + b"!")
    with fresh_database(tmp_path) as url:
        env = fresh_env(DATABASE_URL=url, PRIVATE_STORAGE_ROOT=str(tmp_path / "restored-files"))
        result = manage(env, "restore", str(tmp_path / "backup"))
        assert result.returncode != 0
        assert manifest["files"][0]["name"] in result.stderr and "damaged" in result.stderr
        assert not (tmp_path / "restored-files").exists()
        tables = "from django.db import connection; print(len(connection.introspection.table_names()))"
        assert manage(env, "shell", "-c", tables).stdout.strip().splitlines()[-1] == "0"


def test_backup_never_overwrites_and_restore_never_lands_on_a_live_portal(org, tmp_path):
    populate(org)
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "something").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(tmp_path / "used"))
    call_command("backup", str(tmp_path / "backup"))
    before = snapshot()
    with pytest.raises(CommandError, match="database is not empty"):
        call_command("restore", str(tmp_path / "backup"))
    assert snapshot() == before
    with pytest.raises(CommandError, match="not a complete backup"):
        call_command("restore", str(tmp_path / "used"))
