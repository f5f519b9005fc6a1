"""Writes of the organisation, and the hooks other apps hang on them."""

from .hooks import call_each


def staff_after_create(*, profile_ids: list[int]) -> None:
    """New staff: e.g. acknowledgement requests for every version in force (§7.5)."""
    if profile_ids:
        call_each("PORTAL_ON_STAFF_CREATED", list(profile_ids))


def staff_after_deactivate(*, profile_ids: list[int]) -> None:
    """Staff who left: e.g. their authorized-user designations are revoked (§6.3)."""
    if profile_ids:
        call_each("PORTAL_ON_STAFF_DEACTIVATED", list(profile_ids))
