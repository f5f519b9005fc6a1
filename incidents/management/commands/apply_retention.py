"""`manage.py apply_retention [--dry-run]`: the retention job by hand (see incidents.retention)."""

from django.core.management.base import BaseCommand

from incidents.retention import retention_apply


class Command(BaseCommand):
    help = (
        "Supprime les inscriptions au registre dont la date de conservation est échue et épure les "
        "incidents fermés depuis plus longtemps que la durée de conservation. --dry-run n'écrit rien."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Compter ce qui serait fait, sans rien modifier."
        )

    def handle(self, *args, dry_run: bool = False, **options):
        report = retention_apply(dry_run=dry_run)
        prefix = "[simulation] " if dry_run else ""
        self.stdout.write(
            f"{prefix}Conservation : registre {report.register_years} ans, "
            f"incidents {report.incident_years} ans après la fermeture."
        )
        self.stdout.write(
            f"{prefix}Inscriptions au registre supprimées : {report.register_entries_deleted} "
            f"({report.register_history_rows_deleted} lignes d'historique)"
        )
        self.stdout.write(
            f"{prefix}Incidents épurés : {report.incidents_purged} "
            f"({report.evidence_files_deleted} fichiers de preuve, {report.texts_purged} textes)"
        )
        for reference in report.references:
            self.stdout.write(f"{prefix}  {reference}")
