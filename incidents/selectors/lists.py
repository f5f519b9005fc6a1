"""Lists of incidents: the declarer's own, the handlers' queues, HR's counts (staff suggestions: staff.py)."""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from functools import cached_property, reduce

from django.contrib.auth.models import AbstractBaseUser
from django.db import connections
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value
from django.utils import timezone

from portal.roles import roles_for

from .. import rules
from ..models import Incident, Message
from .visibility import handler_scope, never_concerned

Level = Incident.Level
RECENTLY_CLOSED_DAYS = 90


def declarations_of(user: AbstractBaseUser) -> QuerySet:
    """The declarer's own list (§7.7), with a flag when a request waits for their answer."""
    open_requests = Message.objects.filter(incident=OuterRef("pk"), kind=Message.Kind.REQUEST, answered_at__isnull=True)
    return (
        never_concerned(Incident.objects.filter(declarer=user), user)
        .annotate(waiting_for_me=Exists(open_requests))
        .order_by("-created_at", "-id")
    )


def can_use_queues(user: AbstractBaseUser) -> bool:
    """Managers (§7.6), direction heads and delegates (§7.4) and DCAI (§7.3) have queues."""
    roles = roles_for(user)
    return roles.is_manager or roles.is_direction_lead or roles.is_dcai


@dataclass(frozen=True)
class LevelQueue:
    """A queue read level by level (docs/rules.md, "Performance").

    A person who is a manager, a direction head and a DCAI officer at once has a queue that is an OR over
    three levels: the database can then neither read it in index order nor stop after one page, and the
    page grows with the table. Here each level is its own query (`base` filtered by one of `scopes`),
    read in index order and cut at the end of the page asked for; the page is taken from those few rows
    (at most levels × page end), in the same order. The same rows, order and count as `whole`.

    `base` holds what every level shares (the person concerned left out, filters, order, related rows);
    `map` changes it, so filters and sorting apply to every level alike. It paginates like a queryset
    (`count` and slices).
    """

    base: QuerySet
    scopes: tuple[Q, ...]
    # The count when already known (the queue's tab counts, read in the same request): no second count.
    known_count: int | None = None

    ordered = True

    def map(self, change: Callable[[QuerySet], QuerySet]) -> LevelQueue:
        return replace(self, base=change(self.base))

    @property
    def whole(self) -> QuerySet:
        """All of it as one queryset (counts, the directions a filter offers, membership)."""
        if not self.scopes:
            return self.base.none()
        return self.base.filter(reduce(operator.or_, self.scopes))

    @cached_property
    def _count(self) -> int:
        return self.whole.count() if self.known_count is None else self.known_count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def counts(self, now) -> dict[str, int]:
        """How many, and how many past their deadline, in one query: each level counted on its own, so a
        level's count reads only the index (an OR over levels reads every row of the backlog)."""
        aggregates = {"to_handle": Count("pk"), "overdue": Count("pk", filter=Q(deadline_at__lt=now))}
        if len(self.scopes) < 2:
            return self.whole.order_by().aggregate(**aggregates)
        # The levels are disjoint (one scope per level, incidents.rules.current_level_scopes): their sums.
        per_level = [
            self.base.filter(scope).order_by().values(one=Value(1)).annotate(**aggregates).values_list(*aggregates)
            for scope in self.scopes
        ]
        rows = list(per_level[0].union(*per_level[1:], all=True))
        return {name: sum(row[i] for row in rows) for i, name in enumerate(aggregates)}

    def __getitem__(self, key: slice) -> list[Incident]:
        if not isinstance(key, slice) or key.step is not None:
            raise TypeError("a queue is read by pages (slices)")
        if len(self.scopes) < 2 or key.stop is None:
            return list(self.whole[key])
        # The first `stop` rows of each level, in the queue's order, contain the first `stop` of the queue.
        firsts = [self.base.filter(scope).values("pk")[: key.stop] for scope in self.scopes]
        if connections[self.base.db].features.supports_slicing_ordering_in_compound:
            candidates = Q(pk__in=firsts[0].union(*firsts[1:], all=True))
        else:  # SQLite: no LIMIT inside a UNION; the same rows, one subquery per level.
            candidates = reduce(operator.or_, (Q(pk__in=first) for first in firsts))
        return list(self.base.filter(candidates)[key])


def _level_queue(user: AbstractBaseUser, base: QuerySet) -> LevelQueue:
    return LevelQueue(base=never_concerned(base, user), scopes=tuple(rules.current_level_scopes(roles_for(user))))


def queue_levels(user: AbstractBaseUser) -> LevelQueue:
    """The incidents waiting at the levels where this person handles them (incidents.rules), by level."""
    return _level_queue(user, Incident.objects.order_by("-urgent", "deadline_at", "id"))


def queue_to_handle(user: AbstractBaseUser) -> QuerySet:
    """The incidents waiting at the level where this person handles them (incidents.rules)."""
    return queue_levels(user).whole


def queue_overdue_levels(user: AbstractBaseUser, now=None) -> LevelQueue:
    return queue_levels(user).map(lambda incidents: incidents.filter(deadline_at__lt=now or timezone.now()))


def queue_overdue(user: AbstractBaseUser, now=None) -> QuerySet:
    return queue_overdue_levels(user, now).whole


def queue_recently_closed_levels(user: AbstractBaseUser, now=None) -> LevelQueue:
    """Closed in the last 90 days, of the incidents this person handled (one scope: it is not per level)."""
    scope = handler_scope(user)
    since = (now or timezone.now()) - timedelta(days=RECENTLY_CLOSED_DAYS)
    base = Incident.objects.filter(level=Level.CLOSED, closed_at__gte=since).order_by("-closed_at", "-id")
    return LevelQueue(base=never_concerned(base, user), scopes=() if scope is None else (scope,))


def queue_recently_closed(user: AbstractBaseUser, now=None) -> QuerySet:
    return queue_recently_closed_levels(user, now).whole


def queue_counts(user: AbstractBaseUser, now=None) -> dict[str, int]:
    """To handle and overdue, in one query (home panel and navigation)."""
    return queue_levels(user).counts(now or timezone.now())


def sees_institution_counts(user: AbstractBaseUser) -> bool:
    """HR follows the number of incidents in the institution, never their content (§7.5)."""
    return roles_for(user).is_hr


def institution_counts(now=None) -> dict[str, int]:
    """HR sees counts only, never content (§7.5 is about information, not investigation).

    One query of four counts, each over the index that answers it (levels and deadlines, declaration
    dates, closing dates) instead of one pass over every incident the institution ever had."""
    now = now or timezone.now()
    since = now - timedelta(days=30)
    still_open = Q(level__in=[level for level in Level.values if level != Level.CLOSED])
    conditions = {
        "open": still_open,
        "overdue": still_open & Q(deadline_at__lt=now),
        "declared_30d": Q(created_at__gte=since),
        "closed_30d": Q(closed_at__gte=since),
    }
    parts = [
        Incident.objects.filter(condition).order_by().values(name=Value(name)).annotate(n=Count("*")).values_list(
            "name", "n"
        )
        for name, condition in conditions.items()
    ]
    counted = dict(parts[0].union(*parts[1:], all=True))
    return {name: counted.get(name, 0) for name in conditions}
