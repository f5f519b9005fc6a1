"""manage.py import_policy FILE [--dry-run] [--accept-date-fix]: a policy document into a draft (§7.3).

A huge, binary or scripted file is refused before anything is parsed (policies/importer/source.py).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from policies.importer import parse_document
from policies.importer.loader import import_document
from policies.importer.report import outcome_lines, structure_lines
from policies.importer.source import DocumentRefused, read_document


class Command(BaseCommand):
    help = "Importe un document de politique (texte converti du PDF) en politique et version brouillon."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Afficher ce qui serait fait, sans rien enregistrer."
        )
        parser.add_argument(
            "--accept-date-fix",
            action="store_true",
            help="Enregistrer la correction proposée d'une date douteuse (sinon la date reste vide).",
        )

    def handle(self, *args, file: Path, dry_run: bool, accept_date_fix: bool, **options):
        try:
            text = read_document(file)
        except DocumentRefused as refused:
            raise CommandError("Document refusé : " + " ; ".join(refused.reasons)) from refused
        doc = parse_document(text)
        if doc.errors:
            raise CommandError("Document illisible : " + " ; ".join(doc.errors))
        for line in structure_lines(doc):
            self.stdout.write(line)
        self.stdout.write("")
        result = import_document(doc, accept_date_fix=accept_date_fix, dry_run=dry_run, source=file.name)
        for line in outcome_lines(result):
            style = self.style.WARNING if line.lstrip().startswith("!") else (lambda x: x)
            self.stdout.write(style(line))
