"""What a token may do: one scope per kind of data (README, "API")."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ORG_WRITE = "org:write"
ACKNOWLEDGEMENTS_READ = "acknowledgements:read"
ROSTER_READ = "roster:read"
STATISTICS_READ = "statistics:read"

SCOPES = {
    ORG_WRITE: _("Pousser l'organisation (export RH : directions, intervenants, gestionnaires)"),
    ACKNOWLEDGEMENTS_READ: _("Lire les prises de connaissance de la version en vigueur"),
    ROSTER_READ: _("Lire le registre des utilisateurs autorisés des comptes officiels"),
    STATISTICS_READ: _("Lire les statistiques d'incidents (comptes et délais, jamais le contenu)"),
}


def scope_choices() -> list[tuple[str, str]]:
    return [(name, f"{name} — {label}") for name, label in SCOPES.items()]
