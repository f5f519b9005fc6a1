"""Reads of campaigns, scoped to the person asking (§7.5 HR, §7.4 directions, §7.6 managers).

- HR sees every campaign and every request.
- A direction lead (head or delegate) sees the requests of their direction(s).
- A manager sees the requests of their direct reports.
- Everyone sees their own requests.
Staff who left (inactive profiles) are out of every count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language

from policies.models import PolicyVersion
from portal.models import Direction, StaffProfile
from portal.roles import roles_for

from .models import AcknowledgementRequest, Campaign

VISIBLE_STATUSES = (Campaign.Status.LAUNCHING, Campaign.Status.LAUNCHED, Campaign.Status.CLOSED)


# --- Campaigns --------------------------------------------------------------------------------------


def _scope_filter(user: AbstractBaseUser) -> Q | None:
    """Requests outside HR that this person may see as a lead or a manager (None: none at all)."""
    roles = roles_for(user)
    condition = Q(pk__in=[])
    found = False
    if roles.led_direction_ids:
        condition |= Q(profile__direction_id__in=roles.led_direction_ids)
        found = True
    if roles.profile is not None and roles.is_manager:
        condition |= Q(profile__manager_id=roles.profile.pk)
        found = True
    return condition if found else None


def campaigns_visible_to(user: AbstractBaseUser) -> QuerySet[Campaign]:
    roles = roles_for(user)
    campaigns = Campaign.objects.select_related("version__policy")
    if roles.is_hr:
        return campaigns
    condition = _scope_filter(user)
    if condition is None:
        return campaigns.none()
    in_scope = AcknowledgementRequest.objects.filter(
        condition, campaign=OuterRef("pk"), profile__is_active=True
    )
    return campaigns.filter(Exists(in_scope), status__in=VISIBLE_STATUSES)


def campaigns_with_progress(user: AbstractBaseUser) -> QuerySet[Campaign]:
    """The campaigns this person sees, each with `audience_size` and `confirmed` counted within their
    scope: HR the institution, a lead their direction(s), a manager their team (never more)."""
    requests = AcknowledgementRequest.objects.filter(campaign=OuterRef("pk"), profile__is_active=True)
    if not roles_for(user).is_hr:
        condition = _scope_filter(user)
        requests = requests.filter(condition) if condition is not None else requests.none()
    counts = requests.order_by().values("campaign")
    return campaigns_visible_to(user).annotate(
        audience_size=Coalesce(
            Subquery(counts.annotate(n=Count("pk")).values("n")[:1]), 0, output_field=IntegerField()
        ),
        confirmed=Coalesce(
            Subquery(counts.filter(satisfied_at__isnull=False).annotate(n=Count("pk")).values("n")[:1]),
            0,
            output_field=IntegerField(),
        ),
    )


def get_campaign_for(user: AbstractBaseUser, pk: int) -> Campaign:
    campaign = campaigns_visible_to(user).filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


def get_campaign_for_hr(user: AbstractBaseUser, pk: int) -> Campaign:
    if not roles_for(user).is_hr:
        raise Http404
    return get_campaign_for(user, pk)


# --- Requests ---------------------------------------------------------------------------------------


def requests_in_scope(user: AbstractBaseUser, campaign: Campaign) -> QuerySet[AcknowledgementRequest] | None:
    """The requests of a campaign a dashboard may count for this person (None: no dashboard)."""
    roles = roles_for(user)
    base = AcknowledgementRequest.objects.filter(campaign=campaign, profile__is_active=True)
    if roles.is_hr:
        return base
    if roles.led_direction_ids:
        return base.filter(profile__direction_id__in=roles.led_direction_ids)
    return None


def team_requests(user: AbstractBaseUser, campaign: Campaign) -> QuerySet[AcknowledgementRequest]:
    """The requests of a manager's direct reports (§7.6)."""
    profile = roles_for(user).profile
    if profile is None:
        return AcknowledgementRequest.objects.none()
    return AcknowledgementRequest.objects.filter(
        campaign=campaign, profile__manager_id=profile.pk, profile__is_active=True
    )


def own_requests(user: AbstractBaseUser) -> QuerySet[AcknowledgementRequest]:
    return AcknowledgementRequest.objects.filter(profile__user=user).select_related(
        "campaign__version__policy", "acknowledgement"
    )


def pending_requests_for(user: AbstractBaseUser) -> QuerySet[AcknowledgementRequest]:
    """Open requests of this person for versions still in force, soonest due first."""
    return (
        own_requests(user)
        .filter(
            satisfied_at=None,
            campaign__status__in=(Campaign.Status.LAUNCHING, Campaign.Status.LAUNCHED),
            campaign__version__status=PolicyVersion.Status.IN_FORCE,
        )
        .order_by("due_on", "pk")
    )


def get_request_for(user: AbstractBaseUser, pk: int) -> AcknowledgementRequest:
    """A person opens only their own requests; any other id is a 404."""
    request = own_requests(user).filter(pk=pk).first()
    if request is None:
        raise Http404
    return request


# --- Figures ----------------------------------------------------------------------------------------

DONE = Q(satisfied_at__isnull=False)


def _overdue(today: date) -> Q:
    return Q(satisfied_at__isnull=True, due_on__lt=today)


def _rate(done: int, total: int) -> float:
    return round(100 * done / total, 1) if total else 0.0


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
        return _rate(self.done, self.total)


def completion_summary(requests: QuerySet[AcknowledgementRequest], today: date | None = None) -> Summary:
    today = today or timezone.localdate()
    figures = requests.aggregate(
        total=Count("pk"), done=Count("pk", filter=DONE), overdue=Count("pk", filter=_overdue(today))
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
        return _rate(self.done, self.total)


@dataclass(frozen=True)
class Figures:
    summary: Summary
    by_direction: list[Group]
    by_manager: list[Group]


def dashboard_figures(requests: QuerySet[AcknowledgementRequest], today: date | None = None) -> Figures:
    """Overall, per-direction and per-manager figures from ONE grouped query.

    Requests are grouped by (direction, manager): a few hundred rows at institution scale, summed
    here. Managers come lowest completion first; their names are fetched for the page shown only
    (see `name_groups`).
    """
    today = today or timezone.localdate()
    rows = (
        requests.values_list("profile__direction_id", "profile__manager_id")
        .annotate(
            total=Count("pk"), done=Count("pk", filter=DONE), overdue=Count("pk", filter=_overdue(today))
        )
        .order_by()
    )
    directions: dict[int, Group] = {}
    managers: dict[int | None, Group] = {}
    total = done = overdue = 0
    for direction_id, manager_id, n, d, o in rows:
        total, done, overdue = total + n, done + d, overdue + o
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
    return Figures(Summary(total, done, overdue), by_direction, by_manager)


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
        points.append(Point(day, done, _rate(done, total)))
        day += timedelta(days=1)
    return points


# --- Drill-down -------------------------------------------------------------------------------------

STATUS_DONE = "done"
STATUS_PENDING = "pending"
STATUS_OVERDUE = "overdue"


def people(
    requests: QuerySet[AcknowledgementRequest],
    *,
    direction_id: int | None = None,
    manager_id: int | None = None,
    status: str = "",
    today: date | None = None,
) -> QuerySet[AcknowledgementRequest]:
    """The people behind the figures, filtered; one row per request, ordered by name."""
    today = today or timezone.localdate()
    if direction_id:
        requests = requests.filter(profile__direction_id=direction_id)
    if manager_id:
        requests = requests.filter(profile__manager_id=manager_id)
    if status == STATUS_DONE:
        requests = requests.filter(DONE)
    elif status == STATUS_PENDING:
        requests = requests.filter(satisfied_at__isnull=True)
    elif status == STATUS_OVERDUE:
        requests = requests.filter(_overdue(today))
    return requests.select_related("profile__user", "profile__direction", "profile__manager__user").order_by(
        "profile__user__last_name", "profile__user__first_name", "pk"
    )


def status_of(request: AcknowledgementRequest, today: date | None = None) -> str:
    today = today or timezone.localdate()
    if request.satisfied_at:
        return STATUS_DONE
    return STATUS_OVERDUE if request.due_on < today else STATUS_PENDING
