"""`manage.py restore DIR`: a backup onto an empty database and an empty private storage (portal/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from portal.backup import BackupError, restore


class Command(BaseCommand):
    help = _(
        "Restaure une sauvegarde sur une base de données vide et un stockage privé vide, après avoir vérifié "
        "chaque fichier avec son empreinte SHA-256."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help=_("dossier écrit par « manage.py backup »"))

    def handle(self, *args, folder, **options):
        try:
            outcome = restore(Path(folder), say=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Restauration terminée : %(files)s fichier(s) (%(bytes)s octets). Lancez maintenant "
                    "« manage.py migrate » si le code est plus récent que la sauvegarde."
                )
                % {"files": outcome.files, "bytes": outcome.bytes}
            )
        )
