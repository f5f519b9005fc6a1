"""Figures of a campaign: completion overall, per direction, per manager and over time (§7.5, §7.6).

Every function counts the requests it is given: callers pass the scope a person may see
(`access.requests_in_scope`, `access.team_requests`), so nobody ever gets more than their part.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from portal.models import Direction, StaffProfile

from ..models import AcknowledgementRequest, Campaign

DONE = Q(satisfied_at__isnull=False)


def overdue(today: date) -> Q:
    return Q(satisfied_at__isnull=True, due_on__lt=today)


def completion_rate(done: int, total: int) -> float:
    """Share of confirmed requests, in percent with one decimal (0 for an empty audience)."""
    return round(100 * done / total, 1) if total else 0.0


def with_completion_rates(campaigns: Iterable[Campaign]) -> list[Campaign]:
    """Campaigns from `campaigns_with_progress`, each with `rate` (their confirmed share, in percent)."""
    rows = list(campaigns)
    for campaign in rows:
        campaign.rate = completion_rate(campaign.confirmed, campaign.audience_size)
    return rows


@dataclass(frozen=True)
class Summary:
    total: int
    done: int
    overdue: int

    @property
    def pending(self) -> int:
        return self.total - self.done

    @property
    def rate(self) -> float:
        return completion_rate(self.done, self.total)


def completion_summary(requests: QuerySet[AcknowledgementRequest], today: date | None = None) -> Summary:
    today = today or timezone.localdate()
    figures = requests.aggregate(
        total=Count("pk"), done=Count("pk", filter=DONE), overdue=Count("pk", filter=overdue(today))
    )
    return Summary(figures["total"], figures["done"], figures["overdue"])


@dataclass
class Group:
    """Figures of one direction or one manager's direct reports."""

    pk: int | None
    total: int = 0
    done: int = 0
    overdue: int = 0
    code: str = ""
    name: str = ""

    @property
    def pending(self) -> int:
        return self.total - self.done

    @property
    def rate(self) -> float:
        return completion_rate(self.done, self.total)


@dataclass(frozen=True)
class Figures:
    summary: Summary
    by_direction: list[Group]
    by_manager: list[Group]


def dashboard_figures(requests: QuerySet[AcknowledgementRequest], today: date | None = None) -> Figures:
    """Overall, per-direction and per-manager figures from ONE grouped query.

    Requests are grouped by (direction, manager): a few hundred rows at institution scale, summed
    here. Managers come lowest completion first; their names are fetched for the page shown only
    (see `name_managers`).
    """
    today = today or timezone.localdate()
    rows = (
        requests.values_list("profile__direction_id", "profile__manager_id")
        .annotate(
            total=Count("pk"), done=Count("pk", filter=DONE), overdue=Count("pk", filter=overdue(today))
        )
        .order_by()
    )
    directions: dict[int, Group] = {}
    managers: dict[int | None, Group] = {}
    total = done = late = 0
    for direction_id, manager_id, n, d, o in rows:
        total, done, late = total + n, done + d, late + o
        for bucket, key in ((directions, direction_id), (managers, manager_id)):
            group = bucket.get(key)
            if group is None:
                group = bucket[key] = Group(key)
            group.total += n
            group.done += d
            group.overdue += o
    by_direction = list(directions.values())
    if by_direction:
        names = {
            pk: (code, name_fr, name_en)
            for pk, code, name_fr, name_en in Direction.objects.filter(pk__in=directions).values_list(
                "pk", "code", "name_fr", "name_en"
            )
        }
        english = (get_language() or "fr").startswith("en")
        for group in by_direction:
            code, name_fr, name_en = names.get(group.pk, ("?", "", ""))
            group.code, group.name = code, (name_en if english and name_en else name_fr)
        by_direction.sort(key=lambda g: g.code)
    # People without a manager last; otherwise lowest completion first.
    by_manager = sorted(
        managers.values(), key=lambda g: (g.pk is None, g.done / g.total if g.total else 0, g.pk or 0)
    )
    return Figures(Summary(total, done, late), by_direction, by_manager)


def name_managers(groups: list[Group]) -> list[Group]:
    """Fill the names of the managers of one page of groups (one query)."""
    ids = [g.pk for g in groups if g.pk is not None]
    names = {
        pk: (number, first, last)
        for pk, number, first, last in StaffProfile.objects.filter(pk__in=ids).values_list(
            "pk", "employee_number", "user__first_name", "user__last_name"
        )
    }
    for group in groups:
        if group.pk in names:
            number, first, last = names[group.pk]
            group.code, group.name = number, f"{last}, {first}".strip(", ")
    return groups


@dataclass(frozen=True)
class Point:
    day: date
    done: int
    rate: float


def completion_over_time(
    campaign: Campaign, requests: QuerySet[AcknowledgementRequest], total: int, today: date | None = None
) -> list[Point]:
    """Cumulative confirmations per day since the launch (one query on the confirmation day column).

    Computed from the confirmations themselves rather than from stored snapshots: always exact,
    nothing to schedule. Confirmations older than the launch (people who had already confirmed)
    count on launch day. The rate is against today's audience, so people who left do not drag it.
    """
    today = today or timezone.localdate()
    if campaign.launched_at is None:
        return []
    start = timezone.localdate(campaign.launched_at)
    end = min(today, timezone.localdate(campaign.closed_at)) if campaign.closed_at else today
    if end < start:
        end = start
    per_day = dict(
        requests.filter(satisfied_on__isnull=False)
        .values("satisfied_on")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("satisfied_on", "n")
    )
    done = sum(n for day, n in per_day.items() if day < start)
    points = []
    day = start
    while day <= end:
        done += per_day.get(day, 0)
        points.append(Point(day, done, completion_rate(done, total)))
        day += timedelta(days=1)
    return points
