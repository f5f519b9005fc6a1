"""Returning staff who would act for HR or DCAI again: only an administrator lets them back (docs/rules.md).

Belonging to HR or DCAI, heading them or being one of their delegates gives wide access (every
acknowledgement, every incident, the confidentiality register). A person who left keeps their direction,
headship and delegation on record; reactivating them would silently give all that back. The HR export
and HR staff in the admin therefore reactivate everyone else, and leave these people to an administrator.
"""

from __future__ import annotations

from collections.abc import Iterable

from portal.models import Direction, DirectionUserObjectPermission
from portal.roles import DELEGATE_PERMISSION

WIDE_ACCESS_ROLES = frozenset({Direction.Role.HUMAN_RESOURCES, Direction.Role.COMMUNICATIONS})


def users_leading_wide_access_directions(user_ids: Iterable[int] | None = None) -> set[int]:
    """Users who head, or are delegates of, the HR or DCAI direction (two queries)."""
    heads = Direction.objects.filter(role__in=WIDE_ACCESS_ROLES, head__isnull=False)
    delegates = DirectionUserObjectPermission.objects.filter(
        content_object__role__in=WIDE_ACCESS_ROLES, permission__codename=DELEGATE_PERMISSION
    )
    if user_ids is not None:
        user_ids = list(user_ids)
        heads = heads.filter(head_id__in=user_ids)
        delegates = delegates.filter(user_id__in=user_ids)
    return set(heads.values_list("head_id", flat=True)) | set(delegates.values_list("user_id", flat=True))


def reactivation_needs_administrator(*, user_id: int, direction_role: str, leading: set[int] | None = None) -> bool:
    """Would reactivating this person give back HR or DCAI access (their direction after the change, or a
    headship or delegation still on record)? `leading` is users_leading_wide_access_directions(), when known."""
    if direction_role in WIDE_ACCESS_ROLES:
        return True
    if leading is None:
        leading = users_leading_wide_access_directions([user_id])
    return user_id in leading
