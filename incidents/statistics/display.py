"""The figures of `incident_figures` as a page shows them: labels in the reader's language, charts,
durations in hours or days. Reads only the figures (a board report re-renders its kept figures)."""

from __future__ import annotations

from datetime import date

from django.utils.formats import date_format, number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ..models import Incident
from . import charts
from .figures import CLOSING_LEVELS, LEVELS, OPEN


def duration(seconds: int | None) -> str:
    """Shown as a dash (no value), minutes (under an hour), hours (under two days) or days."""
    if seconds is None:
        return "—"
    if seconds < 3600:
        return _("%(n)s min") % {"n": max(0, round(seconds / 60))}
    hours = seconds / 3600
    if hours < 48:
        return _("%(n)s h") % {"n": number_format(round(hours, 1), 1)}
    return _("%(n)s j") % {"n": number_format(round(hours / 24, 1), 1)}


def _english() -> bool:
    return (get_language() or "fr").startswith("en")


def direction_label(code: str, name_fr: str, name_en: str) -> str:
    if not code:
        return _("Sans direction")
    return f"{code} – {name_en if _english() and name_en else name_fr}"


def month_label(token: str, *, with_year: bool = True) -> str:
    year, month = (int(part) for part in token.split("-"))
    return date_format(date(year, month, 1), "M Y" if with_year else "M")


def level_label(code: str) -> str:
    return str(Incident.Level(code).label)


def outcome_label(code: str) -> str:
    return _("En cours") if code == OPEN else str(Incident.Outcome(code).label)


def _rows(pairs: list[list], labels) -> list[tuple[str, str, int]]:
    return [(code, labels(code), value) for code, value in pairs]


def present(figures: dict) -> dict:
    """Everything a statistics page, an export or a board report shows, from the figures alone."""
    months = figures["by_month"]
    several_years = len({token[:4] for token, _n in months}) > 1
    times = figures["times"]
    timing_rows = []
    for level in LEVELS:
        take = times["take"][level]
        close = times["close"].get(level)
        timing_rows.append(
            {
                "label": level_label(level),
                "take_count": take["count"],
                "take_p50": duration(take["p50"]),
                "take_p90": duration(take["p90"]),
                "close_count": close["count"] if close else None,
                "close_p50": duration(close["p50"]) if close else "—",
                "close_p90": duration(close["p90"]) if close else "—",
            }
        )
    every = times["close"]["all"]
    takedowns = figures["takedowns"]
    return {
        "figures": figures,
        "months": charts.month_chart([(month_label(t, with_year=several_years), n) for t, n in months]),
        "month_rows": [(month_label(t), n) for t, n in months],
        "categories": charts.bars(_rows(figures["by_category"], lambda c: str(Incident.Category(c).label))),
        "platforms": charts.bars(_rows(figures["by_platform"], lambda c: str(Incident.Platform(c).label))),
        "directions": charts.bars(
            [(code, direction_label(code, fr, en), n) for code, fr, en, n in figures["by_direction"]]
        ),
        "levels": charts.bars(_rows(figures["by_level"], level_label)),
        "outcomes": charts.bars(_rows(figures["by_outcome"], outcome_label)),
        "timing_rows": timing_rows,
        "close_all": {"count": every["count"], "p50": duration(every["p50"]), "p90": duration(every["p90"])},
        "closing_levels": [level_label(level) for level in CLOSING_LEVELS],
        "removal_median": duration(takedowns["median_removal"]),
    }
