"""The institution-wide indicators beside the incident statistics (§7.2: the general direction sees to the
application of the policy): acknowledgement compliance by direction, the authorized users in force, the
policy in force and its review. Counts and dates only, as plain values (a board report keeps them)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, Q

from policies.compliance import IN_FORCE, acknowledgement_compliance
from policies.review import review_status_of, review_summary
from policies.selectors import version_in_force
from portal.roster.models import Designation
from portal.roster.selectors import EXPIRING_SOON_DAYS


def roster_figures(today: date, direction=None) -> dict:
    """§6.3, §7.4: confirmed designations in force today, the people they name, those ending within
    EXPIRING_SOON_DAYS, and those waiting for DCAI's confirmation (one query)."""
    designations = Designation.objects.all()
    if direction is not None:
        designations = designations.filter(direction=direction)
    in_force = Q(
        status=Designation.Status.ACTIVE, start_date__lte=today, end_date__gte=today, profile__is_active=True
    )
    return {
        "expiring_within_days": EXPIRING_SOON_DAYS,
        **designations.aggregate(
            in_force=Count("pk", filter=in_force),
            people=Count("profile", filter=in_force, distinct=True),
            expiring=Count("pk", filter=in_force & Q(end_date__lte=today + timedelta(days=EXPIRING_SOON_DAYS))),
            pending=Count("pk", filter=Q(status=Designation.Status.PENDING)),
        ),
    }


def policy_status(today: date, version=IN_FORCE) -> dict:
    """§7.1, §7.3: the version in force (approval, dates) and its review; how many versions in force of
    all the policies are due for review. `version`: the version in force (or None), when the caller read it."""
    if version is IN_FORCE:
        version = version_in_force()
    return {
        "version": None
        if version is None
        else {
            "policy": version.policy.display_number,
            "title": version.policy.title_fr,
            "title_en": version.policy.title_en,
            "label": version.label,
            "effective_on": version.effective_on.isoformat() if version.effective_on else None,
            "approved_on": version.approved_on.isoformat() if version.approved_on else None,
            "resolution_number": version.resolution_number,
            "review": review_status_of(version, today),
        },
        "reviews": review_summary(today),
    }


def institution_figures(today: date, direction=None) -> dict:
    """Acknowledgements and roster (of `direction` when given); the policy's own status is institution-wide."""
    version = version_in_force()
    return {
        "as_of": today.isoformat(),
        "compliance": acknowledgement_compliance(version=version, direction=direction),
        "roster": roster_figures(today, direction),
        "policy": policy_status(today, version),
    }
