"""The aggregates of the statistics page as rows of a CSV or XLSX file (portal.exports): one row per figure,
(section, item, value), with durations in hours. Never an incident's content."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..models import Incident
from .display import direction_label, level_label, month_label, outcome_label
from .figures import LEVELS


def header() -> list[str]:
    return [_("Section"), _("Élément"), _("Valeur")]


def _hours(seconds: int | None) -> float | str:
    return "" if seconds is None else round(seconds / 3600, 2)


def rows(figures: dict, institution: dict | None, period_label: str) -> list[list]:
    chosen = figures["direction"]
    out: list[list] = [
        [_("Période"), period_label, f"{figures['period']['start']} – {figures['period']['end']}"],
        [
            _("Direction"),
            direction_label(chosen["code"], chosen["name_fr"], chosen["name_en"])
            if chosen
            else _("Toutes les directions"),
            "",
        ],
        [_("Incidents déclarés"), _("Total"), figures["total"]],
        [_("Incidents déclarés"), _("Urgents"), figures["urgent"]],
        [_("Incidents déclarés"), _("En cours"), figures["open"]],
        [_("Incidents déclarés"), _("Fermés"), figures["closed"]],
    ]
    out += [[_("Par mois"), month_label(token), n] for token, n in figures["by_month"]]
    out += [[_("Par catégorie"), str(Incident.Category(code).label), n] for code, n in figures["by_category"]]
    out += [[_("Par plateforme"), str(Incident.Platform(code).label), n] for code, n in figures["by_platform"]]
    out += [[_("Par direction"), direction_label(code, fr, en), n] for code, fr, en, n in figures["by_direction"]]
    out += [[_("Par niveau atteint"), level_label(code), n] for code, n in figures["by_level"]]
    out += [[_("Par issue"), outcome_label(code), n] for code, n in figures["by_outcome"]]
    times = figures["times"]
    for level in LEVELS:
        take = times["take"][level]
        section = _("Délai de prise en charge – %(level)s") % {"level": level_label(level)}
        out += [
            [section, _("Incidents"), take["count"]],
            [section, _("Médiane (heures)"), _hours(take["p50"])],
            [section, _("90e centile (heures)"), _hours(take["p90"])],
        ]
    for name, close in times["close"].items():
        label = _("tous niveaux") if name == "all" else level_label(name)
        section = _("Délai de fermeture – %(level)s") % {"level": label}
        out += [
            [section, _("Incidents"), close["count"]],
            [section, _("Médiane (heures)"), _hours(close["p50"])],
            [section, _("90e centile (heures)"), _hours(close["p90"])],
        ]
    overdue = figures["overdue"]
    out += [
        [_("Échéances"), _("Incidents ayant dépassé une échéance"), overdue["count"]],
        [_("Échéances"), _("Taux de dépassement (%)"), overdue["rate"]],
        [_("Échéances"), _("Incidents transmis automatiquement"), overdue["auto_escalated"]],
        [_("Échéances"), _("Transmissions automatiques"), overdue["auto_escalations"]],
    ]
    takedowns = figures["takedowns"]
    out += [
        [_("Demandes de retrait"), _("Demandées"), takedowns["requested"]],
        [_("Demandes de retrait"), _("Obtenues"), takedowns["obtained"]],
        [_("Demandes de retrait"), _("Délai médian de retrait (heures)"), _hours(takedowns["median_removal"])],
    ]
    register = figures["register"]
    out += [
        [_("Registre des incidents de confidentialité"), _("Inscriptions"), register["entries"]],
        [_("Registre des incidents de confidentialité"), _("Risque de préjudice sérieux"), register["serious_risk"]],
        [_("Avis transmis"), _("Au ministre"), register["minister"]],
        [_("Avis transmis"), _("À la Commission d'accès à l'information"), register["cai"]],
        [_("Avis transmis"), _("Aux personnes concernées"), register["persons"]],
        [_("Avis transmis"), _("Avis publics"), register["public"]],
    ]
    if institution:
        compliance = institution["compliance"]
        section = _("Prise de connaissance de la version en vigueur")
        out.append([section, _("Toutes les directions (%)"), compliance["rate"]])
        out += [
            [section, direction_label(code, fr, en), f"{done} / {total} ({rate} %)"]
            for code, fr, en, total, done, rate in compliance["by_direction"]
        ]
        roster = institution["roster"]
        section = _("Utilisateurs autorisés")
        out += [
            [section, _("Désignations en vigueur"), roster["in_force"]],
            [section, _("Personnes autorisées"), roster["people"]],
            [section, _("Échéant dans %(days)s jours") % {"days": roster["expiring_within_days"]}, roster["expiring"]],
            [section, _("En attente de confirmation"), roster["pending"]],
        ]
    return out
