"""Home-page panels of this app: what waits for the signed-in person (a constant number of queries)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .selectors import (
    can_use_queues,
    declarations_of,
    institution_counts,
    leads_general_direction,
    queue_counts,
    sees_institution_counts,
    urgent_watch,
    with_holders,
)

URGENT_SHOWN = 8


def panels(request) -> list[dict]:
    user = request.user
    if not user.is_authenticated:
        return []
    result = []
    waiting = list(
        declarations_of(user).filter(waiting_for_me=True, level__in=["manager", "direction", "dcai"])[:5]
    )
    if waiting:
        result.append(
            {
                "title": _("Vos déclarations attendent une réponse"),
                "template": "incidents/_home_declarer.html",
                "incidents": waiting,
            }
        )
    if can_use_queues(user):
        counts = queue_counts(user)
        result.append(
            {
                "title": _("Incidents à traiter"),
                "template": "incidents/_home_handler.html",
                "to_handle": counts["to_handle"],
                "overdue": counts["overdue"],
                "todo_url": reverse("incidents:queue", args=["a-traiter"]),
                "overdue_url": reverse("incidents:queue", args=["en-retard"]),
            }
        )
    elif sees_institution_counts(user):
        result.append(
            {
                "title": _("Incidents dans l'établissement"),
                "template": "incidents/_home_hr.html",
                "counts": institution_counts(),
            }
        )
    # §6.1, §7.3: DCAI watches every urgent incident, whatever its level (two queries).
    watched, total = urgent_watch(user, limit=URGENT_SHOWN)
    if watched:
        result.append(
            {
                "title": _("Veille des incidents urgents"),
                "template": "incidents/_home_urgent.html",
                "incidents": with_holders(watched),
                "total": total,
                "more": total > len(watched),
                "search_url": reverse("incidents:search") + "?urgent=oui&status=en-cours&sort=deadline",
            }
        )
    # §7.2: the general direction's institution-wide indicators (counts only; one query).
    if leads_general_direction(user):
        result.append(
            {
                "title": _("Indicateurs de l'établissement"),
                "template": "incidents/_home_oversight.html",
                "counts": institution_counts(),
                "statistics_url": reverse("incidents:statistics"),
            }
        )
    return result


def register_panels(request) -> list[dict]:
    """DCAI's home: incidents that may have exposed personal information and wait for a register entry or
    a reasoned decision (incidents.services.compliance); one query."""
    from .selectors import incidents_visible_to, may_keep_register
    from .services.compliance import awaiting_register_decision

    user = request.user
    if not user.is_authenticated or not may_keep_register(user):
        return []
    # Open incidents: the decision is owed before DCAI closes them (closed ones predate the rule or a manager
    # closed them as unfounded, which DCAI already sees among the closures).
    waiting = awaiting_register_decision(incidents_visible_to(user).exclude(level="closed")).order_by("created_at")
    shown = list(waiting[: URGENT_SHOWN + 1])  # one query; one more row tells whether there are more
    if not shown:
        return []
    return [
        {
            "title": _("Registre : décisions en attente"),
            "template": "incidents/register/_home_waiting.html",
            "incidents": shown[:URGENT_SHOWN],
            "more": len(shown) > URGENT_SHOWN,
        }
    ]
