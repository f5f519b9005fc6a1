"""Name suggestions for every person picker, built not to be a directory (docs/rules.md).

A person finds a colleague by name; the suggestions never show, and never match on, an employee number
alone (employee numbers are the usernames): a bare number answers exactly as a miss. A number helps only
next to the full name it belongs to (two homonyms). Where the chooser already sees employee numbers (a
direction designating its staff, DCAI), a picker's scope says so: the number is shown and an exact number
finds its person. At least three characters, at most ten suggestions, and a per-person rate limit
(STAFF_SEARCH_RATE_PER_MINUTE, STAFF_SEARCH_RATE_PER_DAY, shared by every picker) keep the list from
being harvested a few letters at a time.
"""

from __future__ import annotations

import logging
from itertools import product

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django_ratelimit.core import get_usage

from portal.models import StaffProfile

STAFF_SUGGESTIONS_MIN_LENGTH = 3  # characters other than spaces
STAFF_SUGGESTIONS_LIMIT = 10
MAX_WORDS = 5

logger = logging.getLogger(__name__)


def normalised(text: str | None) -> str:
    return " ".join((text or "").split())[:100]


def staff_search_is_long_enough(text: str) -> bool:
    return len(normalised(text).replace(" ", "")) >= STAFF_SUGGESTIONS_MIN_LENGTH


def _is_number(word: str) -> bool:
    return any(char.isdigit() for char in word)


def _full_name(words: list[str]) -> Q:
    """First and last name typed in full, in either order, however the words split between them."""
    query = Q(pk__in=[])
    for cut, (first_side, last_side) in product(range(1, len(words)), ((0, 1), (1, 0))):
        halves = (" ".join(words[:cut]), " ".join(words[cut:]))
        query |= Q(user__first_name__iexact=halves[first_side], user__last_name__iexact=halves[last_side])
    return query


def _matching(words: list[str], *, numbers_visible: bool) -> Q | None:
    """The condition for the words typed; None when they must answer as a miss."""
    numbers = [word for word in words if _is_number(word)]
    names = [word for word in words if not _is_number(word)]
    if numbers_visible and len(words) == 1 and numbers:
        return Q(employee_number__iexact=numbers[0])
    if numbers and (len(numbers) > 1 or len(names) < 2):
        return None  # a bare number, or a number with part of a name: answered as a miss
    if numbers:
        return _full_name(names) & Q(employee_number__iexact=numbers[0])
    matching = Q()
    for word in names:
        matching &= Q(user__first_name__icontains=word) | Q(user__last_name__icontains=word)
    return matching


def staff_suggestions(
    *,
    text: str,
    within: QuerySet[StaffProfile] | None = None,
    exclude_user: AbstractBaseUser | None = None,
    numbers_visible: bool = False,
    limit: int = STAFF_SUGGESTIONS_LIMIT,
) -> list[StaffProfile]:
    """Active staff whose first or last name holds every word typed, among `within` (a picker's allowed
    people; everyone when None). A word with a digit (an employee number) matches nothing unless the
    other words are the full name of that very person, or the chooser sees numbers (`numbers_visible`).
    One query, whatever the size of the staff; inactive people never appear.
    """
    text = normalised(text)
    if not staff_search_is_long_enough(text):
        return []
    matching = _matching(text.split()[:MAX_WORDS], numbers_visible=numbers_visible)
    if matching is None:
        return []
    fields = [
        "pk",
        "user__first_name",
        "user__last_name",
        "direction__code",
        "direction__name_fr",
        "direction__name_en",
    ]
    if numbers_visible:
        fields.append("employee_number")
    queryset = (
        (StaffProfile.objects.all() if within is None else within)
        .filter(is_active=True, user__is_active=True)
        .filter(matching)
        .select_related("user", "direction")
        .only(*fields)
        .order_by("user__last_name", "user__first_name", "pk")
    )
    if exclude_user is not None:
        queryset = queryset.exclude(user=exclude_user)
    return list(queryset[:limit])


def _per_person(group: str, request: HttpRequest) -> str:
    return str(request.user.pk)


def staff_search_throttled(request: HttpRequest) -> bool:
    """Count one search by this person; True once they pass either limit (the search is then not run).

    Limits per person, not per address: everyone behind the hospital's proxy shares one. One count for
    every picker, so no page widens what another allows.
    """
    throttled = False
    for window, rate in (
        ("minute", f"{int(settings.STAFF_SEARCH_RATE_PER_MINUTE)}/m"),
        ("day", f"{int(settings.STAFF_SEARCH_RATE_PER_DAY)}/d"),
    ):
        try:
            usage = get_usage(
                request, group=f"people.staff_search.{window}", key=_per_person, rate=rate, increment=True
            )
        except Exception:  # noqa: BLE001 - the counters' cache is down: no search rather than no limit
            logger.exception("staff search: rate counters unavailable")
            return True
        if usage and usage["should_limit"]:
            throttled = True
            if usage["count"] == usage["limit"] + 1:
                logger.warning(
                    "staff search: user %s passed the limit of %s searches a %s", request.user.pk, rate, window
                )
    return throttled
