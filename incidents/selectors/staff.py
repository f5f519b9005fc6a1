"""Suggestions for "Intervenant concerné" on the declaration form (§7.7): the portal's one person search
(portal.people.search), kept importable here for the incident pages."""

from portal.people.search import (
    STAFF_SUGGESTIONS_LIMIT,
    STAFF_SUGGESTIONS_MIN_LENGTH,
    staff_search_is_long_enough,
    staff_search_throttled,
    staff_suggestions,
)

__all__ = [
    "STAFF_SUGGESTIONS_LIMIT",
    "STAFF_SUGGESTIONS_MIN_LENGTH",
    "staff_search_is_long_enough",
    "staff_search_throttled",
    "staff_suggestions",
]
