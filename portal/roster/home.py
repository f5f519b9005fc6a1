"""Home-page panels of this app: what waits for the signed-in person (constant number of queries)."""

from __future__ import annotations

import datetime

from django.db.models import BooleanField, Case, Count, Prefetch, Q, Value, When, Window, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.roles import roles_for

from .models import Designation, OfficialAccount
from .selectors import renewal_due_filter

MAX_LISTED = 5
NOTHING = Q(pk__in=[])


def _waiting_and_mine(user, today: datetime.date) -> tuple[int, int, list[Designation]]:
    """§7.3 designations waiting for DCAI, §7.4 renewals due in the directions this person leads, and
    the person's own confirmed designations not yet over (§6.3): one query. The counts are window
    aggregates over every matching row, taken before the limit; the person's rows sort first."""
    roles = roles_for(user)
    pending = Q(status=Designation.Status.PENDING) if roles.is_dcai else NOTHING
    renewals = (
        renewal_due_filter(today) & Q(direction_id__in=roles.led_direction_ids) if roles.led_direction_ids else NOTHING
    )
    mine = (
        Q(profile_id=roles.profile_id, status=Designation.Status.ACTIVE, end_date__gte=today)
        if roles.profile_id is not None
        else NOTHING
    )
    if pending is NOTHING and renewals is NOTHING and mine is NOTHING:
        return 0, 0, []
    rows = list(
        Designation.objects.filter(pending | renewals | mine)
        .select_related("profile__user", "direction")
        .annotate(
            pending_total=Window(Count("pk", filter=pending)),
            renewals_total=Window(Count("pk", filter=renewals)),
            is_mine=Case(When(mine, then=Value(True)), default=Value(False), output_field=BooleanField()),
        )
        .order_by("-is_mine", "end_date", "pk")[:MAX_LISTED]
    )
    own = [row for row in rows if row.is_mine]
    # What a roster row shows (roster.selectors.with_list_data), fetched for the person's rows only.
    prefetch_related_objects(own, Prefetch("accounts", queryset=OfficialAccount.objects.order_by("platform", "handle")))
    if not rows:
        return 0, 0, []
    return rows[0].pending_total, rows[0].renewals_total, own


def panels(request) -> list[dict]:
    user = request.user
    if not user.is_authenticated:
        return []
    today = timezone.localdate()
    result: list[dict] = []
    pending, to_renew, mine = _waiting_and_mine(user, today)
    if pending:
        result.append(
            {
                "title": _("Désignations à confirmer"),
                "template": "roster/_home_pending.html",
                "count": pending,
                "url": reverse("roster:roster") + "?status=pending",
            }
        )
    if to_renew:
        result.append(
            {
                "title": _("Utilisateurs autorisés à renouveler"),
                "template": "roster/_home_renew.html",
                "count": to_renew,
                "url": reverse("roster:direction_roster") + "?expiring=on",
            }
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
