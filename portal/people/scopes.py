"""Who may use a person picker, and whom it may name.

Each picker has a scope, registered by the app that owns the page (`@picker_scope("roster.designation")`)
next to its form: a function of the person choosing that returns the people they may name and whether
they see employee numbers, or None when they may not use that picker at all. The suggestion endpoint and
the form field read the same function, so suggestions never offer a person the form would refuse.
Only signed-in staff (a staff profile) use a picker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from portal.models import StaffProfile
from portal.roles import roles_for


@dataclass(frozen=True)
class PickerScope:
    # The people this chooser may name (active staff among them); None: every active staff member.
    people: QuerySet[StaffProfile] | None = None
    # Employee numbers are shown and found only where the chooser already has the right to see them.
    numbers_visible: bool = False
    # The chooser themself is never suggested nor accepted (e.g. naming oneself as concerned).
    excludes_chooser: bool = False


ScopeRule = Callable[[AbstractBaseUser], PickerScope | None]
_SCOPES: dict[str, ScopeRule] = {}


def picker_scope(name: str) -> Callable[[ScopeRule], ScopeRule]:
    """Register the rule of one picker under `name` (the name its widget sends to the endpoint)."""

    def register(rule: ScopeRule) -> ScopeRule:
        _SCOPES[name] = rule
        return rule

    return register


def scope_for(name: str, user: AbstractBaseUser | AnonymousUser | None) -> PickerScope | None:
    """The scope of picker `name` for this person; None when the name is unknown or they may not use it."""
    rule = _SCOPES.get(name or "")
    if rule is None or user is None or not user.is_authenticated or not roles_for(user).is_staff_member:
        return None
    return rule(user)


def get_scope_for(name: str, user: AbstractBaseUser | AnonymousUser | None) -> PickerScope:
    """`scope_for`, or a 404: nobody learns which pickers exist for others."""
    scope = scope_for(name, user)
    if scope is None:
        raise Http404
    return scope
