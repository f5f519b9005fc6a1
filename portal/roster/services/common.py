"""What the roster's services share: the period rule, locking, notification context and audience."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.dates import add_years
from portal.models import Direction
from portal.roles import dcai_officers, direction_leads
from portal.workflow import lock

from ..models import PERIOD_YEARS, Designation

# What the checks and the notifications read of a locked designation (only its row is locked).
LOCK_RELATED = ("profile__user", "direction")


def today() -> datetime.date:
    return timezone.localdate()


def required_text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(message, code="required")
    return value


def validate_period(
    *, start_date: datetime.date, end_date: datetime.date, today: datetime.date | None = None
) -> None:
    """§7.4 as the portal applies it (docs/rules.md): a designation starts today or later and lasts at
    most a year, i.e. ends on `portal.dates.add_years(start, 1)` at the latest (29 February -> 28 February).
    The database checks the same rule (`designation_at_most_one_year`)."""
    today = today or timezone.localdate()
    errors = {}
    if start_date < today:
        errors["start_date"] = _("La date de début ne peut pas être passée.")
    last = add_years(start_date, PERIOD_YEARS)
    if end_date < start_date:
        errors["end_date"] = _("La date de fin doit suivre la date de début.")
    elif end_date > last:
        errors["end_date"] = _(
            "Une désignation dure au plus un an : la date de fin doit être au plus le %(date)s."
        ) % {"date": last.isoformat()}
    if errors:
        raise ValidationError(errors)


def lock_designation(designation: Designation) -> Designation:
    return lock(designation, *LOCK_RELATED)


def lock_designation_pk(pk: int) -> Designation | None:
    """The designation locked, or None when it is gone (daily jobs work from ids)."""
    try:
        return lock(Designation(pk=pk), *LOCK_RELATED)
    except Designation.DoesNotExist:
        return None


def notification_context(designation: Designation, **extra) -> dict:
    """Short, non-personal values for the message templates."""
    return {
        "direction": designation.direction.code,
        "start_date": designation.start_date.isoformat(),
        "end_date": designation.end_date.isoformat(),
        **extra,
    }


class Audience:
    """Who to tell: DCAI officers and each direction's leads, looked up once per run of the daily job."""

    def __init__(self) -> None:
        self._dcai: list | None = None
        self._leads: dict[int, list] = {}

    def dcai(self) -> list:
        if self._dcai is None:
            self._dcai = list(dcai_officers())
        return self._dcai

    def leads(self, direction_id: int) -> list:
        if direction_id not in self._leads:
            self._leads[direction_id] = list(direction_leads(Direction(pk=direction_id)))
        return self._leads[direction_id]

    def leads_or_dcai(self, direction_id: int) -> list:
        """A direction without a head or delegate still needs someone told: DCAI then."""
        return self.leads(direction_id) or self.dcai()
