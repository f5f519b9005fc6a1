"""Home-page panels of this app: what waits for the signed-in person (constant number of queries)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import selectors

MAX_LISTED = 5


def panels(request) -> list[dict]:
    user = request.user
    today = timezone.localdate()
    result: list[dict] = []
    pending = selectors.awaiting_confirmation_count(user)
    if pending:
        result.append(
            {
                "title": _("Désignations à confirmer"),
                "template": "roster/_home_pending.html",
                "count": pending,
                "url": reverse("roster:roster") + "?status=pending",
            }
        )
    to_renew = selectors.renewals_due_count(user, today)
    if to_renew:
        result.append(
            {
                "title": _("Utilisateurs autorisés à renouveler"),
                "template": "roster/_home_renew.html",
                "count": to_renew,
                "url": reverse("roster:direction_roster") + "?expiring=on",
            }
        )
    mine = list(selectors.current_designations_of(user, today)[:MAX_LISTED])
    if mine:
        result.append(
            {
                "title": _("Mes désignations d'utilisateur autorisé"),
                "template": "roster/_home_mine.html",
                "designations": mine,
                "today": today,
                "url": reverse("roster:mine"),
            }
        )
    return result
