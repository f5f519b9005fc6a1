"""Writes of the organisation, and the hooks other apps hang on them."""

from django.conf import settings
from django.utils.module_loading import import_string


def _call_hooks(setting: str, profile_ids: list[int]) -> None:
    if not profile_ids:
        return
    for dotted in getattr(settings, setting):
        import_string(dotted)(list(profile_ids))


def staff_after_create(*, profile_ids: list[int]) -> None:
    """New staff: e.g. acknowledgement requests for every version in force (§7.5)."""
    _call_hooks("PORTAL_ON_STAFF_CREATED", profile_ids)


def staff_after_deactivate(*, profile_ids: list[int]) -> None:
    """Staff who left: e.g. their authorized-user designations are revoked (§6.3)."""
    _call_hooks("PORTAL_ON_STAFF_DEACTIVATED", profile_ids)
