"""Home-page panels of this app: what waits for the signed-in person (constant number of queries)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.roles import roles_for

from .models import Designation
from .selectors import with_list_data
from .services import renewal_due_filter

MAX_LISTED = 5


def panels(request) -> list[dict]:
    roles = roles_for(request.user)
    today = timezone.localdate()
    result: list[dict] = []
    if roles.is_dcai:
        pending = Designation.objects.filter(status=Designation.Status.PENDING).count()
        if pending:
            result.append(
                {
                    "title": _("Désignations à confirmer"),
                    "template": "roster/_home_pending.html",
                    "count": pending,
                    "url": reverse("roster:roster") + "?status=pending",
                }
            )
    if roles.led_direction_ids:
        to_renew = Designation.objects.filter(
            renewal_due_filter(today), direction_id__in=roles.led_direction_ids
        ).count()
        if to_renew:
            result.append(
                {
                    "title": _("Utilisateurs autorisés à renouveler"),
                    "template": "roster/_home_renew.html",
                    "count": to_renew,
                    "url": reverse("roster:direction_roster") + "?expiring=on",
                }
            )
    if roles.profile is not None:
        mine = list(
            with_list_data(
                Designation.objects.filter(
                    profile=roles.profile, status=Designation.Status.ACTIVE, end_date__gte=today
                ).order_by("end_date")
            )[:MAX_LISTED]
        )
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
