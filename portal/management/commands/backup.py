"""`manage.py backup DIR`: the database and every stored file, with a manifest of SHA-256 (portal/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from portal.backup import BackupError, backup


class Command(BaseCommand):
    help = _(
        "Sauvegarde la base de données et les fichiers privés (preuves) dans un nouveau dossier, avec un "
        "manifeste des empreintes SHA-256."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help=_("dossier de la sauvegarde (absent ou vide)"))

    def handle(self, *args, folder, **options):
        try:
            outcome = backup(Path(folder), say=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                _("Sauvegarde terminée : %(folder)s (%(engine)s, %(files)s fichier(s), %(bytes)s octets).")
                % {"folder": outcome.folder, "engine": outcome.engine, "files": outcome.files, "bytes": outcome.bytes}
            )
        )
