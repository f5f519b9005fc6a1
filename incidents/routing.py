"""Where an incident goes: the one place for routing rules (§6.3, §7.4, §7.6; docs/rules.md).

- Normal route: the declarer's manager (§7.6).
- No active manager, or the manager is the person concerned: the direction (§7.4).
- The direction is headed by the person concerned, has nobody to act for it, is DCAI itself, or is
  unknown: DCAI (§7.3).
- The declarer may ask for the direction or DCAI directly (with a reason).
- An authorized user's report of suspicious content (§6.3) goes straight to DCAI.
- A direction never closes: it informs DCAI (§7.4), so after the direction comes DCAI.

Who handles an incident once it is at a level is `incidents.rules` (`handlers_for`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

from portal.models import Direction, StaffProfile
from portal.roles import direction_leads
from portal.roster.selectors import is_authorized_user

from .models import Incident

Level = Incident.Level


@dataclass(frozen=True)
class Route:
    level: str
    manager: StaffProfile | None = None
    direction: Direction | None = None
    why: str = ""


def declarer_is_authorized_user(user: AbstractBaseUser) -> bool:
    """§6.3: is this person an active authorized user? (the roster answers)."""
    return bool(is_authorized_user(user))


def target_direction(*, declarer_profile: StaffProfile | None, concerned_staff: StaffProfile | None):
    """The direction of the person concerned when a staff member is named, else the declarer's."""
    if concerned_staff is not None:
        return concerned_staff.direction
    return declarer_profile.direction if declarer_profile else None


def head_is_concerned(direction: Direction | None, concerned_staff: StaffProfile | None) -> bool:
    """The direction is headed by the person concerned: the incident goes to DCAI (docs/rules.md)."""
    return concerned_staff is not None and direction is not None and direction.head_id == concerned_staff.user_id


def _direction_route(direction: Direction | None, concerned_staff: StaffProfile | None, why: str) -> Route:
    if direction is None:
        return Route(Level.DCAI, why="no_direction")
    if direction.role == Direction.Role.COMMUNICATIONS:
        return Route(Level.DCAI, why="direction_is_dcai")
    if head_is_concerned(direction, concerned_staff):
        return Route(Level.DCAI, why="head_concerned")
    leads = direction_leads(direction)
    if concerned_staff is not None:
        leads = leads.exclude(pk=concerned_staff.user_id)
    if not leads.exists():
        return Route(Level.DCAI, why="direction_without_lead")
    return Route(Level.DIRECTION, direction=direction, why=why)


def initial_route(
    *,
    declarer: AbstractBaseUser,
    declarer_profile: StaffProfile | None,
    route_choice: str,
    concerned_staff: StaffProfile | None,
) -> Route:
    """§7.7: where a new declaration goes (the module docstring lists the rules, in their order)."""
    direction = target_direction(declarer_profile=declarer_profile, concerned_staff=concerned_staff)
    if declarer_is_authorized_user(declarer):
        return Route(Level.DCAI, why="authorized_user")
    if route_choice == Incident.RouteChoice.DCAI:
        return Route(Level.DCAI, why="declarer_choice")
    # Whatever the declarer asked for below DCAI, and before the manager: the direction's own line.
    if head_is_concerned(direction, concerned_staff):
        return Route(Level.DCAI, why="head_concerned")
    if route_choice == Incident.RouteChoice.DIRECTION:
        return _direction_route(direction, concerned_staff, "declarer_choice")
    manager = declarer_profile.manager if declarer_profile else None
    if manager is None or not manager.is_active:
        return _direction_route(direction, concerned_staff, "no_manager")
    if concerned_staff is not None and manager.pk == concerned_staff.pk:
        return _direction_route(direction, concerned_staff, "manager_concerned")
    return Route(Level.MANAGER, manager=manager, why="normal")


def next_route(incident: Incident) -> Route | None:
    """The level after the current one; None at DCAI (the last level) or when closed."""
    if incident.level == Level.MANAGER:
        return _direction_route(incident.direction, incident.concerned_staff, "escalated")
    if incident.level == Level.DIRECTION:
        return Route(Level.DCAI, why="escalated")
    return None
