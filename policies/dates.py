"""Checks on the dates of a policy version, shared by the forms, the services and the import.

A version's dates tell one story: issued, revised, approved by the board (§7.1), signed, in force.
Approval cannot come before the text it approves was revised (or issued), and a date several
years away from the others is almost always a typing slip (the seed says "2108-05-25" for 2018).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

# How far (in years) a date of the approval chain may sit from the text's own date.
MAX_SPREAD_YEARS = 5
EARLIEST_YEAR = 1950


def _years(days: int) -> float:
    return days / 365.25


@dataclass(frozen=True)
class VersionDates:
    issued_on: dt.date | None = None
    revised_on: dt.date | None = None
    approved_on: dt.date | None = None
    signed_on: dt.date | None = None
    effective_on: dt.date | None = None
    next_review_on: dt.date | None = None

    @classmethod
    def of(cls, obj) -> VersionDates:
        """From a PolicyVersion, a dict or any object with the date attributes."""
        get = obj.get if isinstance(obj, dict) else (lambda name, default=None: getattr(obj, name, default))
        return cls(**{f.name: get(f.name, None) for f in fields(cls)})

    def replace(self, **changes) -> VersionDates:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return VersionDates(**values)


# Marked with gettext_noop so that makemessages extracts each label; translated at call time.
_LABELS = {
    "issued_on": gettext_noop("date d'émission"),
    "revised_on": gettext_noop("date de révision"),
    "approved_on": gettext_noop("date d'approbation"),
    "signed_on": gettext_noop("date de signature"),
    "effective_on": gettext_noop("date d'entrée en vigueur"),
    "next_review_on": gettext_noop("date de prochaine révision"),
}


def _label(field: str) -> str:
    return _(_LABELS[field])


def date_problems(dates: VersionDates) -> dict[str, str]:
    """Field name -> a clear message, for every date that does not fit the others (empty if all fit)."""
    problems: dict[str, str] = {}
    reference_field = "revised_on" if dates.revised_on else "issued_on"
    reference = getattr(dates, reference_field)

    if dates.issued_on and dates.revised_on and dates.revised_on < dates.issued_on:
        problems["revised_on"] = _("La date de révision (%(rev)s) précède la date d'émission (%(iss)s).") % {
            "rev": dates.revised_on.isoformat(),
            "iss": dates.issued_on.isoformat(),
        }

    for field in ("approved_on", "signed_on", "effective_on"):
        value = getattr(dates, field)
        if value is None or reference is None or field in problems:
            continue
        if value < reference:
            problems[field] = _("La %(what)s (%(value)s) précède la %(ref)s (%(ref_value)s).") % {
                "what": _label(field),
                "value": value.isoformat(),
                "ref": _label(reference_field),
                "ref_value": reference.isoformat(),
            }
        elif _years((value - reference).days) > MAX_SPREAD_YEARS:
            problems[field] = _(
                "La %(what)s (%(value)s) est à plus de %(years)s ans de la %(ref)s (%(ref_value)s) : "
                "vérifiez l'année."
            ) % {
                "what": _label(field),
                "value": value.isoformat(),
                "years": MAX_SPREAD_YEARS,
                "ref": _label(reference_field),
                "ref_value": reference.isoformat(),
            }

    if dates.approved_on and dates.effective_on and "effective_on" not in problems:
        if dates.effective_on < dates.approved_on:
            problems["effective_on"] = _(
                "La date d'entrée en vigueur (%(eff)s) précède la date d'approbation (%(app)s)."
            ) % {"eff": dates.effective_on.isoformat(), "app": dates.approved_on.isoformat()}

    # Any date far from every other one is a slip, whichever field it sits in.
    present = {f.name: getattr(dates, f.name) for f in fields(dates) if f.name != "next_review_on"}
    present = {name: value for name, value in present.items() if value is not None}
    if dates.revised_on:
        # A policy revised many times keeps its first issue date: that one may be old.
        present.pop("issued_on", None)
    if len(present) >= 2:
        for name, value in present.items():
            if name in problems:
                continue
            others = [other for key, other in present.items() if key != name and key not in problems]
            if others and min(abs(_years((value - other).days)) for other in others) > MAX_SPREAD_YEARS:
                problems[name] = _(
                    "La %(what)s (%(value)s) est à plus de %(years)s ans de toutes les autres dates : "
                    "vérifiez l'année."
                ) % {"what": _label(name), "value": value.isoformat(), "years": MAX_SPREAD_YEARS}

    if dates.next_review_on:
        floor = dates.effective_on or dates.approved_on or reference
        if floor and dates.next_review_on <= floor:
            problems["next_review_on"] = _(
                "La date de prochaine révision (%(value)s) doit suivre la %(ref)s (%(ref_value)s)."
            ) % {
                "value": dates.next_review_on.isoformat(),
                "ref": _label(
                    "effective_on"
                    if dates.effective_on
                    else "approved_on"
                    if dates.approved_on
                    else reference_field
                ),
                "ref_value": floor.isoformat(),
            }
    latest_year = dt.date.today().year + MAX_SPREAD_YEARS
    for f in fields(dates):
        value = getattr(dates, f.name)
        if value is not None and f.name not in problems and not (EARLIEST_YEAR <= value.year <= latest_year):
            problems[f.name] = _("L'année de la %(what)s (%(value)s) n'est pas plausible.") % {
                "what": _label(f.name),
                "value": value.isoformat(),
            }
    return problems


def validate_version_dates(dates: VersionDates) -> None:
    """Raise a ValidationError keyed by field when the dates do not fit together."""
    problems = date_problems(dates)
    if problems:
        raise ValidationError({field: [message] for field, message in problems.items()})


def probable_correction(dates: VersionDates, field: str) -> dt.date | None:
    """For a date refused by `date_problems`, the nearby date it was probably meant to be.

    Tries the typing slips that keep the digits (two neighbouring digits of the year swapped),
    and keeps the candidate that makes every check pass and sits closest to the other dates.
    """
    value = getattr(dates, field)
    if value is None:
        return None
    year = f"{value.year:04d}"
    candidates = set()
    for i in range(3):
        swapped = year[:i] + year[i + 1] + year[i] + year[i + 2 :]
        if swapped != year and swapped[0] != "0":
            try:
                candidates.add(value.replace(year=int(swapped)))
            except ValueError:
                continue
    others = [getattr(dates, f.name) for f in fields(dates) if f.name != field and getattr(dates, f.name)]
    fitting = [c for c in candidates if field not in date_problems(dates.replace(**{field: c}))]
    if not fitting:
        return None
    if not others:
        return fitting[0] if len(fitting) == 1 else None
    return min(fitting, key=lambda c: min(abs((c - o).days) for o in others))
