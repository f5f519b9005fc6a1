"""Home-page panels of this app: what waits for the signed-in person."""

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import PolicyVersion, normalise_policy_number
from .review import review_summary
from .selectors import can_manage_policies, version_in_force
from .workflow import VERSION_WORKFLOW, WAITING_ACTIONS


def _for_manager() -> tuple[PolicyVersion | None, int, dict[str, int]]:
    """One query for DCAI: the versions in force and those waiting on it (a few rows), from which the
    version in force, the number waiting and the review summary are drawn."""
    waiting = set().union(*(VERSION_WORKFLOW.states_allowing(action) for action in WAITING_ACTIONS))
    in_force = PolicyVersion.Status.IN_FORCE
    rows = list(PolicyVersion.objects.select_related("policy").filter(Q(status=in_force) | Q(status__in=waiting)))
    number = normalise_policy_number(settings.PORTAL_POLICY_NUMBER)
    current = next((v for v in rows if v.status == in_force and v.policy.number == number), None)
    drafts = sum(1 for v in rows if v.status in waiting)
    summary = review_summary(timezone.localdate(), dates=[v.next_review_on for v in rows if v.status == in_force])
    return current, drafts, summary


def panels(request) -> list[dict]:
    """The policy in force for everyone (one query); DCAI, in the same query, the versions waiting on it
    and, when a review is overdue, due within 90 days or never planned, the review panel."""
    if not can_manage_policies(request.user):
        return [
            {
                "title": _("Politique en vigueur"),
                "template": "policies/_home_policy.html",
                "version": version_in_force(),
                "drafts": None,
            }
        ]
    version, drafts, summary = _for_manager()
    result = [
        {
            "title": _("Politique en vigueur"),
            "template": "policies/_home_policy.html",
            "version": version,
            "drafts": drafts,
        }
    ]
    if summary["overdue"] or summary["due"] or summary["unplanned"]:
        result.append(
            {"title": _("Révision des politiques"), "template": "policies/_home_review.html", "summary": summary}
        )
    return result
