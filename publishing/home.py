"""Home-page panels of this app: what waits for the signed-in person (a constant number of queries)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.context_processors import portal as request_flags
from portal.roles import roles_for

from . import rules, selectors
from .models import AuthorisationRequest


def _authorisation_counts(user) -> tuple[int, int]:
    """Requests waiting for this person's decision (§6.2) and their own requests with a question: one
    query (conditional aggregation over the two kinds of rows)."""
    if not user.is_authenticated:
        return 0, 0
    Status = AuthorisationRequest.Status
    own_questions = Q(requester=user, status=Status.QUESTION)
    if not rules.decider_role(roles_for(user)):
        return 0, AuthorisationRequest.objects.filter(own_questions).count()
    counts = AuthorisationRequest.objects.filter(Q(status=Status.PENDING) | own_questions).aggregate(
        pending=Count("pk", filter=Q(status=Status.PENDING)), questions=Count("pk", filter=own_questions)
    )
    return counts["pending"], counts["questions"]


def panels(request) -> list[dict]:
    user = request.user
    result: list[dict] = []
    pending, questions = _authorisation_counts(user)
    if pending:
        result.append(
            {
                "title": _("Demandes d'autorisation à décider"),
                "template": "publishing/_home_panel.html",
                "count": pending,
                "kind": "decide",
                "url": reverse("publishing:authorisations") + "?status=pending",
            }
        )
    if questions:
        result.append(
            {
                "title": _("Questions sur vos demandes d'autorisation"),
                "template": "publishing/_home_panel.html",
                "count": questions,
                "kind": "answer",
                "url": reverse("publishing:my_authorisations"),
            }
        )
    # The request's flags, which the navigation uses too: computed once for both.
    if request_flags(request)["can"]["see_consents"]:
        expiring = selectors.consents_visible_to(user).filter(selectors.expiring_filter()).count()
        if expiring:
            result.append(
                {
                    "title": _("Consentements qui prennent fin bientôt"),
                    "template": "publishing/_home_panel.html",
                    "count": expiring,
                    "kind": "expiring",
                    "url": reverse("publishing:consents") + "?expiring=on",
                }
            )
    return result
