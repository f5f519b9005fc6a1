"""`manage.py bench`: measure the portal at institution scale, in a separate bench database.

The command never touches the configured database. It prepares a bench database (by default a
fresh SQLite file var/bench.sqlite3; with --database-url a PostgreSQL database whose name contains
"bench", dropped and created by the command), then runs itself again as a child process with
DATABASE_URL pointing there. Without REDIS_URL tasks run in-process; with it they go to a private
queue (CELERY_QUEUE=bench-…) that no worker of the portal listens to, deleted at the end, so no
worker attached to the real database ever runs a task of the bench.
The child migrates, builds the synthetic institution (portal.bench.build_institution), runs every
section of settings.PORTAL_BENCH_SECTIONS and prints one table.
"""

import logging
import os
import subprocess
import sys
from pathlib import Path

import environ
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

CHILD_FLAG = "PORTAL_BENCH_CHILD"


def _same_database(a: dict, b: dict) -> bool:
    if a["ENGINE"] != b["ENGINE"]:
        return False
    if a["ENGINE"].endswith("sqlite3"):
        return Path(str(a["NAME"])).resolve() == Path(str(b["NAME"])).resolve()
    return (a.get("HOST") or "localhost", str(a.get("PORT") or ""), a["NAME"]) == (
        b.get("HOST") or "localhost",
        str(b.get("PORT") or ""),
        b["NAME"],
    )


class BenchDatabase:
    """Creates and removes the bench database; refuses anything that could be a real one."""

    def __init__(self, url: str, configured: dict | None = None):
        self.url = url
        self.config = environ.Env.db_url_config(url)
        engine = self.config["ENGINE"]
        self.sqlite = engine.endswith("sqlite3")
        if not self.sqlite and not engine.endswith("postgresql"):
            raise CommandError(_("Base de banc d'essai : SQLite ou PostgreSQL seulement."))
        if _same_database(self.config, configured or settings.DATABASES["default"]):
            raise CommandError(_("Le banc d'essai refuse d'utiliser la base configurée du portail."))
        if not self.sqlite and "bench" not in self.config["NAME"]:
            raise CommandError(_("Le nom de la base PostgreSQL du banc d'essai doit contenir « bench »."))

    def _sqlite_files(self) -> list[Path]:
        path = Path(self.config["NAME"])
        return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]

    def _admin(self, sql: str) -> None:
        import psycopg
        from psycopg import sql as pgsql

        c = self.config
        with psycopg.connect(
            dbname="postgres",
            user=c.get("USER") or None,
            password=c.get("PASSWORD") or None,
            host=c.get("HOST") or None,
            port=c.get("PORT") or None,
            autocommit=True,
        ) as conn:
            conn.execute(pgsql.SQL(sql).format(pgsql.Identifier(c["NAME"])))

    def create(self) -> None:
        if self.sqlite:
            self.drop()
            self._sqlite_files()[0].parent.mkdir(parents=True, exist_ok=True)
        else:
            self._admin("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            self._admin("CREATE DATABASE {}")

    def drop(self) -> None:
        if self.sqlite:
            for path in self._sqlite_files():
                path.unlink(missing_ok=True)
        else:
            self._admin("DROP DATABASE IF EXISTS {} WITH (FORCE)")


def _delete_queue(redis_url: str, queue: str) -> None:
    """Drop what the bench left in its private queue (tasks nobody will run)."""
    from kombu import Connection

    try:
        with Connection(redis_url, connect_timeout=2) as connection:
            connection.default_channel.queue_delete(queue)
    except Exception:  # noqa: BLE001 - cleaning up is best effort; the queue is private and harmless
        pass


class Command(BaseCommand):
    help = _("Mesure le portail à l'échelle de l'établissement, dans une base de banc d'essai séparée.")

    def add_arguments(self, parser):
        parser.add_argument("--staff", type=int, default=20000, help=_("Nombre d'intervenants (20 000)."))
        parser.add_argument(
            "--managers", type=int, default=None, help=_("Nombre de gestionnaires (staff / 40).")
        )
        parser.add_argument("--directions", type=int, default=30, help=_("Nombre de directions (30)."))
        parser.add_argument(
            "--database-url",
            default="",
            help=_(
                "Base du banc d'essai, p. ex. postgres://postgres@127.0.0.1:5432/portal_bench "
                "(par défaut : var/bench.sqlite3)."
            ),
        )
        parser.add_argument(
            "--sections",
            default="",
            help=_("Sections à exécuter, séparées par des virgules (par défaut : toutes)."),
        )
        parser.add_argument("--keep", action="store_true", help=_("Garde la base du banc d'essai à la fin."))
        parser.add_argument("--child", action="store_true", help="==SUPPRESS==")

    def handle(self, *args, **options):
        for name in ("staff", "directions"):
            if options[name] < 3:
                raise CommandError(_("--%(name)s : au moins 3.") % {"name": name})
        if options["managers"] is None:
            options["managers"] = max(1, options["staff"] // 40)
        sections = [s.strip() for s in options["sections"].split(",") if s.strip()] or list(
            settings.PORTAL_BENCH_SECTIONS
        )
        unknown = [dotted for dotted in sections if not _importable(dotted)]
        if unknown:
            raise CommandError(_("Section inconnue : %(names)s.") % {"names": ", ".join(unknown)})
        if options["child"]:
            return self.run_child(options, sections)
        return self.run_parent(options, sections)

    def run_parent(self, options, sections):
        url = options["database_url"] or f"sqlite:///{Path(settings.BASE_DIR) / 'var' / 'bench.sqlite3'}"
        database = BenchDatabase(url)
        database.create()
        queue = f"bench-{os.getpid()}"
        env = {**os.environ, "DATABASE_URL": url, "CELERY_QUEUE": queue, CHILD_FLAG: "1"}
        if not settings.REDIS_URL:
            env["CELERY_TASK_ALWAYS_EAGER"] = "true"  # in-process, never into the embedded broker folder
        command = [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "bench",
            "--child",
            "--staff",
            str(options["staff"]),
            "--managers",
            str(options["managers"]),
            "--directions",
            str(options["directions"]),
            "--sections",
            ",".join(sections),
        ]
        self.stdout.write(_("Base du banc d'essai : %(url)s") % {"url": url})
        try:
            process = subprocess.Popen(
                command, env=env, stdout=subprocess.PIPE, text=True, cwd=settings.BASE_DIR
            )
            for line in process.stdout:
                self.stdout.write(line.rstrip("\n"))
            status = process.wait()
        finally:
            if settings.REDIS_URL:
                _delete_queue(settings.REDIS_URL, queue)
            if not options["keep"]:
                database.drop()
        if status:
            raise CommandError(_("Le banc d'essai a échoué (code %(status)s).") % {"status": status})

    def run_child(self, options, sections):
        from portal.bench import build_institution, format_table, run_section

        if os.environ.get(CHILD_FLAG) != "1":
            raise CommandError(_("--child est réservé au banc d'essai lui-même."))
        call_command("migrate", interactive=False, verbosity=0)
        # One log line per measured request would bury the figures (LOG_LEVEL=INFO is the default).
        logging.getLogger("portal.request").setLevel(logging.WARNING)
        table = []
        self.stdout.write(_("Construction de l'établissement…"))
        for metric, value in build_institution(
            staff=options["staff"], managers=options["managers"], directions=options["directions"]
        ):
            table.append((_("établissement"), metric, value))
        failed = False
        for dotted in sections:
            self.stdout.write(_("Section %(name)s…") % {"name": dotted})
            rows, ok = run_section(dotted, self.stdout)
            failed |= not ok
            table.extend((dotted, metric, value) for metric, value in rows)
        self.stdout.write("")
        self.stdout.write(format_table(table))
        if failed:
            raise CommandError(_("Au moins une section a échoué."))


def _importable(dotted: str) -> bool:
    from django.utils.module_loading import import_string

    try:
        import_string(dotted)
    except ImportError:
        return False
    return True
