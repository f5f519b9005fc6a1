"""The review cycle of the policies in force (§7.3: DCAI writes the policy and keeps it up to date).

Each version in force carries the date of its next review (`next_review_on`). DCAI is reminded 90 and
30 days before it, and once the date has passed (`REVIEW_STAGES`, sent by the daily job
`policies.services.review_reminders_send`); its home page flags reviews that are overdue, and the
"policies due for review" page lists them all. A version in force with no review date is flagged too:
the review was never planned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from .models import PolicyVersion

# Days before the review date at which DCAI is reminded; 0: the date has passed.
REVIEW_STAGES = (90, 30, 0)
DUE_WITHIN_DAYS = REVIEW_STAGES[0]

OVERDUE = "overdue"
DUE_SOON = "due_30"
DUE = "due_90"
PLANNED = "planned"
UNPLANNED = "unplanned"
STATE_LABELS = {
    OVERDUE: _("Révision en retard"),
    DUE_SOON: _("Révision dans 30 jours ou moins"),
    DUE: _("Révision dans 90 jours ou moins"),
    PLANNED: _("Révision planifiée"),
    UNPLANNED: _("Aucune date de révision"),
}
# Most pressing first.
_ORDER = {OVERDUE: 0, UNPLANNED: 1, DUE_SOON: 2, DUE: 3, PLANNED: 4}


def stage_for(days_left: int) -> int | None:
    """The reminder stage whose window holds `days_left`: 90 (31 to 90 days), 30 (1 to 30), 0 (the date
    has passed). A job that missed a day still sends the right one; a review planned 20 days ahead skips
    the 90-day reminder."""
    if days_left <= 0:
        return 0
    for stage, nearer in zip(REVIEW_STAGES, REVIEW_STAGES[1:], strict=False):
        if nearer < days_left <= stage:
            return stage
    return None


def review_state(review_on: date | None, today: date) -> str:
    if review_on is None:
        return UNPLANNED
    days_left = (review_on - today).days
    if days_left <= 0:
        return OVERDUE
    if days_left <= 30:
        return DUE_SOON
    if days_left <= DUE_WITHIN_DAYS:
        return DUE
    return PLANNED


@dataclass(frozen=True)
class Review:
    version: PolicyVersion
    review_on: date | None
    days_left: int | None
    state: str

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def days_overdue(self) -> int:
        return max(0, -(self.days_left or 0))

    @property
    def needs_attention(self) -> bool:
        return self.state in (OVERDUE, UNPLANNED, DUE_SOON, DUE)


def reviews(today: date) -> list[Review]:
    """Every version in force, most pressing first (overdue, never planned, then by date)."""
    versions = PolicyVersion.objects.filter(status=PolicyVersion.Status.IN_FORCE).select_related("policy")
    rows = [
        Review(
            version=version,
            review_on=version.next_review_on,
            days_left=(version.next_review_on - today).days if version.next_review_on else None,
            state=review_state(version.next_review_on, today),
        )
        for version in versions
    ]
    return sorted(rows, key=lambda r: (_ORDER[r.state], r.review_on or date.max, r.version.policy.number))


def review_summary(today: date, dates=None) -> dict[str, int]:
    """How many versions in force are overdue, due within 90 days, or without a review date (one query,
    none when the caller already holds the review dates of the versions in force)."""
    counts = {OVERDUE: 0, DUE_SOON: 0, DUE: 0, PLANNED: 0, UNPLANNED: 0}
    if dates is None:
        dates = PolicyVersion.objects.filter(status=PolicyVersion.Status.IN_FORCE).values_list(
            "next_review_on", flat=True
        )
    for review_on in dates:
        counts[review_state(review_on, today)] += 1
    return {
        "overdue": counts[OVERDUE],
        "due": counts[DUE_SOON] + counts[DUE],
        "unplanned": counts[UNPLANNED],
    }


def review_status_of(version: PolicyVersion | None, today: date) -> dict | None:
    """The review status of one version, as plain values (the board report keeps them)."""
    if version is None:
        return None
    state = review_state(version.next_review_on, today)
    return {
        "review_on": version.next_review_on.isoformat() if version.next_review_on else None,
        "days_left": (version.next_review_on - today).days if version.next_review_on else None,
        "state": state,
    }
