"""Who may do what on the roster (§6.3, §7.3, §7.4). Services enforce these; pages use them to show buttons.

Pure functions of the person's roles and the designation: no query here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

from portal.roles import Roles

from .models import Designation

Status = Designation.Status

# The allowed transitions of a designation. Refused, expired and revoked are final: a new period is
# a new designation (a renewal links to the previous one).
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PENDING: frozenset({Status.ACTIVE, Status.REFUSED, Status.REVOKED, Status.EXPIRED}),
    Status.ACTIVE: frozenset({Status.REVOKED, Status.EXPIRED}),
    Status.REFUSED: frozenset(),
    Status.EXPIRED: frozenset(),
    Status.REVOKED: frozenset(),
}
RENEWABLE_STATUSES = frozenset({Status.ACTIVE, Status.EXPIRED})


def may_transition(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


def may_manage_accounts(roles: Roles) -> bool:
    """§7.3: DCAI runs the official accounts."""
    return roles.is_dcai


def may_see_whole_roster(roles: Roles) -> bool:
    return roles.is_dcai


def may_designate_in(roles: Roles, direction_id: int) -> bool:
    """§7.4: a direction (its head or a delegate) designates the authorized users within it."""
    return direction_id in roles.led_direction_ids


def may_confirm(roles: Roles, user: AbstractBaseUser, designation: Designation) -> bool:
    """DCAI confirms; nobody confirms their own designation."""
    return (
        roles.is_dcai
        and may_transition(designation.status, Status.ACTIVE)
        and designation.profile.user_id != user.pk
    )


def may_refuse(roles: Roles, designation: Designation) -> bool:
    return roles.is_dcai and may_transition(designation.status, Status.REFUSED)


def may_revoke(roles: Roles, designation: Designation) -> bool:
    """The designating direction or DCAI may withdraw a designation at any time."""
    return may_transition(designation.status, Status.REVOKED) and (
        roles.is_dcai or designation.direction_id in roles.led_direction_ids
    )


def may_renew(roles: Roles, designation: Designation, *, has_live_renewal: bool) -> bool:
    """The designating direction asks for a new period; DCAI confirms it again."""
    return (
        designation.status in RENEWABLE_STATUSES
        and not has_live_renewal
        and designation.direction_id in roles.led_direction_ids
    )


def may_remind_acknowledgement(roles: Roles, designation: Designation) -> bool:
    return designation.status == Status.PENDING and (
        roles.is_dcai or designation.direction_id in roles.led_direction_ids
    )


@dataclass(frozen=True)
class DesignationActions:
    confirm: bool = False
    refuse: bool = False
    revoke: bool = False
    renew: bool = False
    remind: bool = False

    @property
    def any(self) -> bool:
        return self.confirm or self.refuse or self.revoke or self.renew or self.remind


def designation_actions(
    roles: Roles, user: AbstractBaseUser, designation: Designation, *, has_live_renewal: bool
) -> DesignationActions:
    return DesignationActions(
        confirm=may_confirm(roles, user, designation),
        refuse=may_refuse(roles, designation),
        revoke=may_revoke(roles, designation),
        renew=may_renew(roles, designation, has_live_renewal=has_live_renewal),
        remind=may_remind_acknowledgement(roles, designation),
    )
