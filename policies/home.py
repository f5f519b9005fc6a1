"""Home-page panels of this app: what waits for the signed-in person."""

from django.utils import timezone
from django.utils.translation import gettext as _

from .review import review_summary
from .selectors import can_manage_policies, version_in_force, versions_waiting_count


def panels(request) -> list[dict]:
    """The policy in force for everyone (one query); DCAI also sees the versions waiting on it (one more)
    and, when a review is overdue, due within 90 days or never planned, the review panel (one more)."""
    result = [
        {
            "title": _("Politique en vigueur"),
            "template": "policies/_home_policy.html",
            "version": version_in_force(),
            "drafts": versions_waiting_count(request.user),
        }
    ]
    if can_manage_policies(request.user):
        summary = review_summary(timezone.localdate())
        if summary["overdue"] or summary["due"] or summary["unplanned"]:
            result.append(
                {"title": _("Révision des politiques"), "template": "policies/_home_review.html", "summary": summary}
            )
    return result
