"""The governance report for the board (§7.1): the figures of a period, as plain values kept with the report,
and what its page and its PDF show of them.

Its incident figures are `incident_figures` for the same period, the very function of the statistics page,
so the report and the page always agree; the institution's indicators (acknowledgements, roster, policy) are
as of the day the report is generated.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone
from django.utils.formats import date_format

from policies.review import STATE_LABELS

from .display import direction_label, present
from .figures import incident_figures
from .institution import institution_figures
from .period import Period


def board_figures(period: Period, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    return {
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat(), "token": period.token},
        "incidents": incident_figures(period, now=now),
        "institution": institution_figures(timezone.localdate(now)),
    }


def period_of(figures: dict) -> Period:
    kept = figures["period"]
    return Period(date.fromisoformat(kept["start"]), date.fromisoformat(kept["end"]), kept["token"])


def present_institution(institution: dict) -> dict:
    """Acknowledgements by direction with labels and bars, the roster, the policy and its review."""
    compliance = institution["compliance"]
    rows = [
        {"label": direction_label(code, fr, en), "total": total, "done": done, "rate": rate}
        for code, fr, en, total, done, rate in compliance["by_direction"]
    ]
    policy = institution["policy"]
    version = policy["version"]
    review = version["review"] if version else None
    return {
        "as_of": date.fromisoformat(institution["as_of"]),
        "compliance": compliance,
        "compliance_rows": rows,
        "roster": institution["roster"],
        "policy": policy,
        "version": version,
        "effective_on": date.fromisoformat(version["effective_on"]) if version and version["effective_on"] else None,
        "review_on": date.fromisoformat(review["review_on"]) if review and review["review_on"] else None,
        "review_label": str(STATE_LABELS[review["state"]]) if review else "",
        "review_late": bool(review) and review["state"] in ("overdue", "unplanned"),
    }


def present_report(figures: dict) -> dict:
    period = period_of(figures)
    return {
        "period": period,
        "period_label": period.label,
        # The period as the period form names it (a range of dates is "custom" with its two dates).
        "form_period": "custom" if "_" in period.token else period.token,
        "stats": present(figures["incidents"]),
        "institution": present_institution(figures["institution"]),
        "computed_at": datetime.fromisoformat(figures["incidents"]["computed_at"]),
        "end_label": date_format(period.end, "DATE_FORMAT"),
    }
