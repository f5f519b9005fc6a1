"""Acknowledgement compliance by direction (§7.2 the general direction sees to the policy being applied,
§7.5 HR makes sure everyone is informed): of the active staff, who confirmed the version in force.

Counts only, one grouped query whatever the size of the staff; read by the statistics page and the board
report (incidents), which may not know more than these numbers.
"""

from __future__ import annotations

from django.db.models import Count, FilteredRelation, Q

from portal.models import StaffProfile

from .models import PolicyVersion
from .selectors import version_in_force

# The default of `version`: the version in force, read here (None says the caller found none in force).
IN_FORCE = object()


def _rate(done: int, total: int) -> float:
    return round(100 * done / total, 1) if total else 0.0


def acknowledgement_compliance(*, version: PolicyVersion | None | object = IN_FORCE, direction=None) -> dict:
    """Active staff and how many confirmed `version` (default: the version in force of the portal's policy),
    in all and by direction (of `direction` only, a Direction, when given). JSON-ready values."""
    if version is IN_FORCE:
        version = version_in_force()
    if version is None:
        return {"version": None, "total": 0, "done": 0, "rate": 0.0, "by_direction": []}
    staff = StaffProfile.objects.filter(is_active=True)
    if direction is not None:
        staff = staff.filter(direction=direction)
    # A join to the version's acknowledgements (at most one per person), not a lookup per person.
    rows = (
        staff.annotate(
            confirmed=FilteredRelation("user__acknowledgements", condition=Q(user__acknowledgements__version=version))
        )
        .values("direction__code", "direction__name_fr", "direction__name_en")
        .annotate(total=Count("pk"), done=Count("confirmed"))
        .order_by("direction__code")
    )
    by_direction = [
        [row["direction__code"], row["direction__name_fr"], row["direction__name_en"], row["total"], row["done"],
         _rate(row["done"], row["total"])]
        for row in rows
    ]
    total = sum(row[3] for row in by_direction)
    done = sum(row[4] for row in by_direction)
    return {
        "version": {
            "policy": version.policy.display_number,
            "label": version.label,
            "effective_on": version.effective_on.isoformat() if version.effective_on else None,
        },
        "total": total,
        "done": done,
        "rate": _rate(done, total),
        "by_direction": by_direction,
    }
