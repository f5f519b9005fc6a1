"""The people behind a campaign's figures: drill-down, exports, a manager's team, a request's status.

Callers pass the requests a person may see (see `access`); nothing here widens that scope.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from django.db.models import Case, IntegerField, QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Direction, StaffProfile

from ..models import AcknowledgementRequest
from .figures import DONE, overdue

STATUS_DONE = "done"
STATUS_PENDING = "pending"
STATUS_OVERDUE = "overdue"
# In the order the filters offer them.
STATUS_LABELS = {
    STATUS_PENDING: _("En attente"),
    STATUS_OVERDUE: _("En retard"),
    STATUS_DONE: _("Confirmée"),
}


def status_of(request: AcknowledgementRequest, today: date | None = None) -> str:
    """Confirmed; else late once its due date has passed; else pending."""
    today = today or timezone.localdate()
    if request.satisfied_at:
        return STATUS_DONE
    return STATUS_OVERDUE if request.due_on < today else STATUS_PENDING


def with_states(requests: Iterable[AcknowledgementRequest], today: date | None = None):
    """The requests, each with `state` (see `status_of`) and its `state_label`, for a page of rows."""
    today = today or timezone.localdate()
    rows = list(requests)
    for row in rows:
        row.state = status_of(row, today)
        row.state_label = STATUS_LABELS[row.state]
    return rows


def people(
    requests: QuerySet[AcknowledgementRequest],
    *,
    direction_id: int | None = None,
    manager_id: int | None = None,
    status: str = "",
    today: date | None = None,
) -> QuerySet[AcknowledgementRequest]:
    """The people behind the figures, filtered; one row per request, ordered by name."""
    today = today or timezone.localdate()
    if direction_id:
        requests = requests.filter(profile__direction_id=direction_id)
    if manager_id:
        requests = requests.filter(profile__manager_id=manager_id)
    if status == STATUS_DONE:
        requests = requests.filter(DONE)
    elif status == STATUS_PENDING:
        requests = requests.filter(satisfied_at__isnull=True)
    elif status == STATUS_OVERDUE:
        requests = requests.filter(overdue(today))
    return requests.select_related("profile__user", "profile__direction", "profile__manager__user").order_by(
        "profile__user__last_name", "profile__user__first_name", "pk"
    )


def people_filter_choices(
    requests: QuerySet[AcknowledgementRequest],
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The directions and the managers that appear in these requests, as filter choices (semi-joins,
    no DISTINCT)."""
    directions = [
        (pk, f"{code} – {name}")
        for pk, code, name in Direction.objects.filter(pk__in=requests.values("profile__direction_id"))
        .order_by("code")
        .values_list("pk", "code", "name_fr")
    ]
    managers = [
        (pk, f"{last}, {first}".strip(", "))
        for pk, last, first in StaffProfile.objects.filter(pk__in=requests.values("profile__manager_id"))
        .order_by("user__last_name", "user__first_name", "pk")
        .values_list("pk", "user__last_name", "user__first_name")
    ]
    return directions, managers


EXPORT_HEADER = [
    _("Matricule"),
    _("Nom"),
    _("Prénom"),
    _("Direction"),
    _("Gestionnaire"),
    _("Catégorie"),
    _("Statut"),
    _("Échéance"),
    _("Confirmée le"),
]


def export_rows(rows: QuerySet[AcknowledgementRequest], today: date | None = None) -> Iterator[list]:
    """One line per request of `people(...)`, in the columns of EXPORT_HEADER (streamed in chunks)."""
    categories = dict(StaffProfile.Category.choices)
    today = today or timezone.localdate()
    for row in rows.iterator(chunk_size=2000):
        profile = row.profile
        manager = profile.manager.full_name if profile.manager else ""
        yield [
            profile.employee_number,
            profile.user.last_name,
            profile.user.first_name,
            profile.direction.code,
            manager,
            str(categories.get(profile.category, profile.category)),
            str(STATUS_LABELS[status_of(row, today)]),
            row.due_on,
            row.satisfied_at,
        ]


def team_rows(requests: QuerySet[AcknowledgementRequest]) -> QuerySet[AcknowledgementRequest]:
    """A manager's team, those who have not confirmed first: they are who the manager follows up (§7.6)."""
    pending_first = Case(When(satisfied_at__isnull=True, then=0), default=1, output_field=IntegerField())
    return requests.select_related("profile__user").order_by(
        pending_first, "profile__user__last_name", "profile__user__first_name", "pk"
    )
