"""Home-page panels of this app: what waits for the signed-in person (a constant number of queries)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .selectors import can_use_queues, declarations_of, institution_counts, queue_counts, sees_institution_counts


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
    return result
