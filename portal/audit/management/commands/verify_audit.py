"""`manage.py verify_audit`: seal the settled rows, then recompute the audit hash chain; exit status 1
when it is broken."""

from django.core.management.base import BaseCommand, CommandError

from portal.audit.chain import seal_pending
from portal.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Vérifie la chaîne d'empreintes du journal d'audit (modification, insertion ou suppression)."

    def handle(self, *args, **options):
        seal_pending()
        verdict = verify_chain()
        for problem in verdict.problems[:100]:
            self.stderr.write(problem)
        if not verdict.ok:
            raise CommandError(f"audit chain broken: {len(verdict.problems)} problem(s) in {verdict.checked} rows")
        self.stdout.write(f"audit chain intact: {verdict.checked} rows, {verdict.pending} waiting to be sealed")
