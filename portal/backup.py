"""Backup and restore of the whole portal: the database and the private storage (README, "Backup").

A backup is a folder:

- `database.pgdump` (PostgreSQL, `pg_dump --format=custom`) or `database.sqlite3` (SQLite's online backup);
- `files/…`: every file of the private storage (evidence), under its stored name;
- `manifest.json`, written last: the engine, the applied migrations, and each file's size and SHA-256
  (the database file's too). A folder without a manifest is an unfinished backup and is never restored.

The database is dumped first, then the files: files are written once under new names before their row
commits, so every file a dumped row names is already there when the files are copied.

A restore checks the whole backup against its manifest before touching anything, then fills an EMPTY
database and an EMPTY storage (it refuses anything else, so it can never overwrite a running portal), and
reads every file back to check its SHA-256.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.core.files import File
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from .storage import private_storage, sha256_of, walk

FORMAT = 1
MANIFEST = "manifest.json"
FILES = "files"
DUMPS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
# Left behind only if a readiness probe was interrupted (portal/health.py): not part of the portal's data.
SKIPPED_PREFIXES = ("health/",)
CHUNK = 1024 * 1024


class BackupError(Exception):
    """Something a person can fix (a folder not empty, a tool missing, a damaged backup): said plainly."""


@dataclass
class Outcome:
    folder: Path
    engine: str
    files: int
    bytes: int


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in DUMPS:
        raise BackupError(f"database engine {vendor!r} is not supported (PostgreSQL or SQLite)")
    return vendor


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_environment() -> tuple[list[str], dict[str, str]]:
    """libpq connection arguments and environment (the password never on a command line)."""
    s = connection.settings_dict
    args = ["--dbname", s["NAME"]]
    if s.get("HOST"):
        args += ["--host", s["HOST"]]
    if s.get("PORT"):
        args += ["--port", str(s["PORT"])]
    if s.get("USER"):
        args += ["--username", s["USER"]]
    env = {**os.environ}
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]
    sslmode = (s.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is missing: install the PostgreSQL client tools (postgresql-client)")
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode:
        raise BackupError(f"{command[0]} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")


def _dump_database(engine: str, target: Path) -> None:
    if engine == "postgresql":
        args, env = _pg_environment()
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target), *args], env)
        return
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
    finally:
        destination.close()


def _applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def _stored_names() -> list[str]:
    return [name for name in walk(private_storage()) if not name.startswith(SKIPPED_PREFIXES)]


def backup(folder: Path, *, say: Callable[[str], None] = lambda line: None) -> Outcome:
    """Write a complete backup into `folder` (absent or empty)."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty: a backup goes into a new folder")
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)  # evidence and personal information: readable by this account only
    engine = _engine()
    dump = folder / DUMPS[engine]
    say(f"database ({engine}) -> {dump.name}")
    _dump_database(engine, dump)

    storage, entries, total = private_storage(), [], 0
    for name in _stored_names():
        target = folder / FILES / name
        target.parent.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        with storage.open(name, "rb") as source, open(target, "xb") as out:
            for chunk in source.chunks(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        entries.append({"name": name, "size": size, "sha256": digest.hexdigest()})
        total += size
    say(f"{len(entries)} stored files ({total} bytes) -> {FILES}/")

    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "engine": engine,
        "database": {"file": dump.name, "size": dump.stat().st_size, "sha256": _file_sha256(dump)},
        "migrations": _applied_migrations(),
        "files": entries,
    }
    partial = folder / f".{MANIFEST}.partial"
    partial.write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
    partial.rename(folder / MANIFEST)
    say(f"{MANIFEST} written")
    return Outcome(folder, engine, len(entries), total)


# --- Restore ---------------------------------------------------------------------------------------


def read_manifest(folder: Path) -> dict:
    """The manifest, after checking the database file and every file against it."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise BackupError(f"{path} is missing: this is not a complete backup")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise BackupError(f"{path} is not readable JSON: {error}") from error
    if manifest.get("format") != FORMAT or manifest.get("engine") not in DUMPS:
        raise BackupError(f"{path}: unknown backup format")
    problems = []
    database = Path(folder) / manifest["database"]["file"]
    if not database.is_file() or _file_sha256(database) != manifest["database"]["sha256"]:
        problems.append(f"{database.name}: missing or damaged")
    for entry in manifest["files"]:
        name = entry["name"]
        if name.startswith("/") or ".." in name.split("/"):
            problems.append(f"{name}: not a stored name")
            continue
        copy = Path(folder) / FILES / name
        if not copy.is_file() or copy.stat().st_size != entry["size"] or _file_sha256(copy) != entry["sha256"]:
            problems.append(f"{FILES}/{name}: missing or damaged")
    if problems:
        raise BackupError("the backup does not match its manifest:\n  " + "\n  ".join(problems))
    return manifest


def _check_empty_targets(engine: str) -> None:
    if engine != connection.vendor:
        raise BackupError(
            f"this backup is of a {engine} database; the portal is configured for {connection.vendor} "
            "(DATABASE_URL)"
        )
    tables = connection.introspection.table_names()
    if tables:
        raise BackupError(
            f"the database is not empty ({len(tables)} tables): restore onto a new, empty database "
            "(do not run migrate before restoring)"
        )
    if _stored_names():
        raise BackupError("the private storage is not empty: restore onto a new, empty folder or bucket")


def _restore_database(engine: str, dump: Path) -> None:
    if engine == "postgresql":
        args, env = _pg_environment()
        _run(
            ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", *args,
             str(dump)],
            env,
        )
        return
    connection.ensure_connection()
    source = sqlite3.connect(dump)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def restore(folder: Path, *, say: Callable[[str], None] = lambda line: None) -> Outcome:
    """Restore a backup onto an empty database and an empty private storage."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    engine = manifest["engine"]
    say(f"{MANIFEST}: database and {len(manifest['files'])} files match their SHA-256")
    _check_empty_targets(engine)
    _restore_database(engine, folder / manifest["database"]["file"])
    connection.close()  # the next query sees the restored schema
    say("database restored")

    storage, total = private_storage(), 0
    for entry in manifest["files"]:
        with open(folder / FILES / entry["name"], "rb") as handle:
            stored = storage.save(entry["name"], File(handle, name=entry["name"]))
        if stored != entry["name"]:
            raise BackupError(f"{entry['name']} was stored as {stored}: the storage was not empty")
        digest, size = sha256_of(stored, storage)
        if digest != entry["sha256"] or size != entry["size"]:
            raise BackupError(f"{entry['name']}: the stored copy does not match its SHA-256")
        total += size
    say(f"{len(manifest['files'])} files restored and read back ({total} bytes)")
    return Outcome(folder, engine, len(manifest["files"]), total)
