"""`manage.py rebuild_statistics`: every incident counted again into the kept statistics counts, in the
portal's current time zone (after a change of TIME_ZONE; see incidents.statistics.kept)."""

from django.core.management.base import BaseCommand
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from incidents.statistics.kept import rebuild


class Command(BaseCommand):
    help = gettext_lazy(
        "Recompte tous les incidents dans les compteurs des statistiques (PostgreSQL), dans le fuseau horaire "
        "du portail (après un changement de TIME_ZONE)."
    )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            self.stdout.write(_("Rien à faire : seules les bases PostgreSQL gardent les compteurs."))
            return
        rows = rebuild()
        self.stdout.write(_("Compteurs des statistiques recomptés : %(rows)s lignes.") % {"rows": rows})
