"""`manage.py import_org FILE.csv [--dry-run] [--deactivate-missing]`: the HR export into the organisation."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from portal.orgimport import import_org

# Below this many lines a progress bar is noise.
PROGRESS_MIN_ROWS = 2000
DETAIL_LINES = 50


def tqdm_progress(stream):
    from tqdm import tqdm

    def progress(iterable, *, total=None, desc=None):
        return tqdm(iterable, total=total, desc=desc, file=stream, unit=_("lignes"), leave=False)

    return progress


class Command(BaseCommand):
    help = _("Importe l'export RH (CSV) : directions, comptes et profils d'intervenants.")

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("Fichier CSV (UTF-8, séparateur « ; » ou « , »)."))
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Affiche les changements sans rien enregistrer.")
        )
        parser.add_argument(
            "--deactivate-missing",
            action="store_true",
            help=_(
                "Désactive les intervenants actifs absents du fichier "
                "(et leur compte, sauf superutilisateur)."
            ),
        )

    def handle(self, *args, file, dry_run, deactivate_missing, verbosity, **options):
        try:
            with open(file, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise CommandError(_("Fichier illisible : %(error)s") % {"error": exc}) from exc
        progress = None
        stderr = sys.stderr
        if data.count(b"\n") >= PROGRESS_MIN_ROWS and stderr.isatty():
            progress = tqdm_progress(stderr)

        started = time.perf_counter()
        result = import_org(data, dry_run=dry_run, deactivate_missing=deactivate_missing, progress=progress)
        elapsed = time.perf_counter() - started

        if not result.ok:
            for error in result.errors:
                self.stderr.write(
                    _("Ligne %(line)s : %(message)s") % {"line": error.line, "message": error.message}
                )
            lines = len({e.line for e in result.errors})
            raise CommandError(
                _(
                    "%(n)s ligne(s) en erreur : rien n'a été modifié. "
                    "Corrigez le fichier et relancez l'import."
                )
                % {"n": lines}
            )
        details = result.details()
        if verbosity >= 2 or dry_run:
            shown = details if verbosity >= 2 else details[:DETAIL_LINES]
            for line in shown:
                self.stdout.write(line)
            if len(details) > len(shown):
                self.stdout.write(
                    _("… et %(n)s autre(s) changement(s) (-v 2 pour tout afficher).")
                    % {"n": len(details) - len(shown)}
                )
        for warning in result.plan.warnings:
            self.stderr.write(self.style.WARNING(warning))
        self.stdout.write(self.style.SUCCESS(result.summary()))
        if verbosity >= 1:
            self.stdout.write(
                _("%(rows)s ligne(s) lue(s) en %(seconds).1f s.") % {"rows": result.rows, "seconds": elapsed}
            )
