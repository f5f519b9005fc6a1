"""`manage.py seed_demo`: the demo institution and one login per role (idempotent)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from portal.demo import DEMO_PASSWORD, seed_demo


def format_table(headers: list[str], rows: list[tuple]) -> list[str]:
    widths = [max(len(str(v)) for v in column) for column in zip(headers, *rows, strict=True)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    return [line.format(*headers), line.format(*("-" * w for w in widths))] + [
        line.format(*(str(v) for v in row)) for row in rows
    ]


class Command(BaseCommand):
    help = _("Crée ou met à jour l'établissement de démonstration et affiche les comptes de démonstration.")

    def handle(self, *args, **options):
        try:
            result = seed_demo(out=self.stdout)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if not result.org.ok:
            for error in result.org.errors:
                self.stderr.write(
                    _("Ligne %(line)s : %(message)s") % {"line": error.line, "message": error.message}
                )
            raise CommandError(
                _("L'organisation existante contredit celle de démonstration : rien n'a été modifié.")
            )
        self.stdout.write(result.org.summary())
        self.stdout.write(_("Comptes de démonstration modifiés : %(n)s.") % {"n": result.changed_accounts})
        for dotted, outcome in result.hooks:
            self.stdout.write(
                _("Données de démonstration %(hook)s : %(outcome)s.") % {"hook": dotted, "outcome": outcome}
            )
        self.stdout.write("")
        self.stdout.write(
            _("Comptes de démonstration (mot de passe commun, démonstration seulement) : %(pw)s")
            % {"pw": DEMO_PASSWORD}
        )
        headers = [_("Rôle"), _("Identifiant"), _("Nom"), _("Direction")]
        for line in format_table(headers, result.logins):
            self.stdout.write(line)
