"""Who holds an incident now: its level, its direction, the person in charge (or "to take in charge") and the
deadline. The incident page, the queues, DCAI's search and the urgent watch all show it from here.

The person's name is for those who see internal matters (handlers, DCAI, the person DCAI shared it with);
the declarer reads the level, the direction and whether someone took it in charge, never who
(`incidents.rules.Viewer.sees_internal`, as the history hides who acted).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Incident

Level = Incident.Level

# What a list must load with its incidents so that every row's holder costs no query.
HOLDER_RELATED = ("direction", "assigned_direction", "assigned_manager__user", "taken_in_charge_by")
# The columns `holder_of` reads, for a list that loads only what its rows show (`QuerySet.only`): an
# incident row has some fifty columns and each person their password hash, which a list never needs.
_PERSON_COLUMNS = ("first_name", "last_name", "username")
HOLDER_FIELDS = (
    "level",
    "deadline_at",
    "assigned_direction_id",
    "assigned_manager_id",
    "taken_in_charge_by_id",
    *(
        f"{direction}__{column}"
        for direction in ("direction", "assigned_direction")
        for column in ("code", "name_fr", "name_en")
    ),
    "assigned_manager__user",
    *(f"assigned_manager__user__{column}" for column in _PERSON_COLUMNS),
    *(f"taken_in_charge_by__{column}" for column in _PERSON_COLUMNS),
)

TO_TAKE_IN_CHARGE = _("À prendre en charge")
TAKEN_IN_CHARGE = _("Pris en charge")


@dataclass(frozen=True)
class Holder:
    level: str
    level_label: str
    direction_code: str
    direction_name: str
    taken: bool
    person: str  # who took it in charge; "" when nobody has, or when the viewer may not know
    expected: str  # who is to take it in charge at this level ("" when the viewer may not know)
    deadline: datetime | None
    overdue: bool
    closed: bool

    @property
    def state_label(self) -> str:
        return str(TAKEN_IN_CHARGE if self.taken else TO_TAKE_IN_CHARGE)


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def holder_of(incident: Incident, *, show_person: bool, now: datetime | None = None) -> Holder:
    """The holder of one incident, from fields loaded with it (`HOLDER_RELATED`): no query."""
    now = now or timezone.now()
    closed = incident.is_closed
    direction = (
        incident.assigned_direction
        if incident.level == Level.DIRECTION and incident.assigned_direction_id
        else incident.direction
    )
    expected = ""
    if show_person and not closed:
        if incident.level == Level.MANAGER and incident.assigned_manager_id:
            expected = _name(incident.assigned_manager.user)
        elif incident.level == Level.DIRECTION and direction is not None:
            expected = str(_("Direction %(code)s") % {"code": direction.code})
        elif incident.level == Level.DCAI:
            expected = str(_("DCAI"))
    taken = bool(incident.taken_in_charge_by_id) and not closed
    return Holder(
        level=incident.level,
        level_label=str(incident.get_level_display()),
        direction_code=direction.code if direction is not None else "",
        direction_name=direction.name if direction is not None else "",
        taken=taken,
        person=_name(incident.taken_in_charge_by) if taken and show_person else "",
        expected=expected,
        deadline=None if closed else incident.deadline_at,
        overdue=not closed and incident.deadline_at is not None and incident.deadline_at < now,
        closed=closed,
    )


def with_holders(incidents, *, show_person: bool = True, now: datetime | None = None) -> list[Incident]:
    """The incidents of one page, each with `holder` (load them with `HOLDER_RELATED`)."""
    now = now or timezone.now()
    rows = list(incidents)
    for incident in rows:
        incident.holder = holder_of(incident, show_person=show_person, now=now)
    return rows
