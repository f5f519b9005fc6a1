"""DCAI finds any incident, at any level (§7.3: DCAI receives every incident and watches the e-reputation),
and watches every urgent one (§6.1).

Searches start from `incidents_visible_to`, so the person named as concerned never finds the incident,
whatever their role (docs/rules.md). Words are looked up in the description and the internal notes with
PostgreSQL full-text search (French stemming, accents ignored where the `unaccent` extension exists: the
"portal_fr" configuration of migration incidents 0004), in the document PostgreSQL keeps for each incident
(migration incidents 0007: description and notes, one GIN index); other databases fall back to a plain
"contains every word". A whole reference (INC-2025-00012, 2025-12) finds that incident; a bare number finds
the references that end with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import BooleanField, Case, Expression, F, IntegerField, OrderBy, Q, QuerySet, Value, When
from django.utils import timezone

from portal.models import StaffProfile
from portal.roles import roles_for

from ..models import Event, Incident, InternalNote
from .holder import HOLDER_RELATED
from .visibility import incidents_visible_to, never_concerned

Level = Incident.Level
SEARCH_CONFIG = "portal_fr"
MAX_WORDS = 8
REFERENCE = re.compile(r"^(?:INC-?)?(\d{4})-(\d{1,6})$", re.IGNORECASE)
NUMBER = re.compile(r"^\d{1,6}$")
FIRST_YEAR = 2000  # no incident is older (incidents.statistics.period.EARLIEST_YEAR)

# The status filter's "every incident not yet closed", beside the statuses themselves.
NOT_CLOSED = "en-cours"
PERSON_ANY = ""
PERSON_DECLARER = "declarer"
PERSON_CONCERNED = "concerned"
PERSON_HANDLER = "handler"
# Steps a declarer takes on their own declaration: they do not make them its handler.
_DECLARER_STEPS = (Event.Kind.DECLARED, Event.Kind.INFORMATION_PROVIDED, Event.Kind.EVIDENCE_ADDED)

_LEVEL_RANK = Case(
    When(level=Level.MANAGER, then=Value(0)),
    When(level=Level.DIRECTION, then=Value(1)),
    When(level=Level.DCAI, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)
# sort key -> ordering; "-key" is the reverse. Every ordering ends on the id so pages never overlap.
SORTS = {
    "declared": (F("created_at").asc(), F("id").asc()),
    "reference": (F("reference").asc(),),
    "deadline": (F("deadline_at").asc(nulls_last=True), F("id").asc()),
    "level": (F("level_rank").asc(), F("deadline_at").asc(nulls_last=True), F("id").asc()),
    "category": (F("category").asc(), F("id").asc()),
    "direction": (F("direction__code").asc(nulls_last=True), F("id").asc()),
}
DEFAULT_SORT = "-declared"


def can_search_incidents(user: AbstractBaseUser) -> bool:
    """§7.3: DCAI finds any incident of the institution (the person concerned excepted, always)."""
    return roles_for(user).is_dcai


@dataclass(frozen=True)
class Criteria:
    text: str = ""
    person: str = ""
    person_role: str = PERSON_ANY
    platform: str = ""
    category: str = ""
    level: str = ""
    status: str = ""
    direction_id: int | None = None
    urgent: bool | None = None
    overdue: bool = False
    declared_from: date | None = None
    declared_to: date | None = None
    sort: str = DEFAULT_SORT


class _DocumentMatches(Expression):
    """The incident's stored document (description and notes, migration incidents 0007) holds the words of
    a web-style query ("a b", "-c", quotes). The column is PostgreSQL's alone, so no model field names it."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.base_table)
        return f"{table}.search_document @@ websearch_to_tsquery('{SEARCH_CONFIG}'::regconfig, %s)", [self.text]


def full_text_available() -> bool:
    return connection.vendor == "postgresql"


def _words(text: str) -> list[str]:
    return " ".join(text.split())[:200].split()[:MAX_WORDS]


def _word_condition(text: str) -> Q:
    """Incidents whose description or one of whose internal notes holds the words."""
    if full_text_available():
        # One column of the incident's own row: the filters and the sort read the same rows, no join.
        return Q(_DocumentMatches(text))
    condition = Q()
    for word in _words(text):
        in_notes = InternalNote.objects.filter(body__icontains=word).values("incident_id")
        condition &= Q(description__icontains=word) | Q(pk__in=in_notes)
    return condition


def text_condition(text: str) -> Q:
    """A reference, a reference number, or words of the description and notes."""
    text = " ".join((text or "").split())[:200]
    if not text:
        return Q()
    reference = REFERENCE.match(text)
    if reference:
        year, number = reference.groups()
        return Q(reference=f"INC-{year}-{int(number):05d}")
    if NUMBER.match(text):
        # The number of every year since the portal's first (INC-<year>-<number>, incidents.services.declare):
        # read from the references' unique index, where "ends with" would read every reference.
        years = range(FIRST_YEAR, timezone.localdate().year + 1)
        return Q(reference__in=[f"INC-{year}-{int(text):05d}" for year in years]) | _word_condition(text)
    return _word_condition(text)


def person_condition(text: str, role: str) -> Q:
    """Incidents where a person (every word of their name, or their employee number or username) is the
    declarer, the person concerned, or a handler (the assigned manager, or anyone who acted on it but for
    the declarer's own steps)."""
    words = _words(text)
    if not words:
        return Q()
    by_name = Q()
    for word in words:
        by_name &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    joined = " ".join(words)
    User = get_user_model()
    # Three lists in one UNION: an OR across the user and their profile would join every profile to every
    # user before filtering (20,000 of each at the institution's scale).
    user_ids = (
        User.objects.filter(by_name)
        .order_by()
        .values("pk")
        .union(User.objects.filter(username__iexact=joined).order_by().values("pk"))
        .union(StaffProfile.objects.filter(employee_number__iexact=joined).order_by().values("user_id"))
    )
    profile_ids = StaffProfile.objects.filter(user_id__in=user_ids).values("pk")
    as_declarer = Q(declarer_id__in=user_ids)
    as_concerned = Q(concerned_staff_id__in=profile_ids)
    acted = Event.objects.filter(actor_id__in=user_ids).exclude(kind__in=_DECLARER_STEPS).values("incident_id")
    as_handler = Q(assigned_manager_id__in=profile_ids) | Q(pk__in=acted)
    return {
        PERSON_DECLARER: as_declarer,
        PERSON_CONCERNED: as_concerned,
        PERSON_HANDLER: as_handler,
    }.get(role, as_declarer | as_concerned | as_handler)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def ordering(sort: str) -> tuple[OrderBy, ...]:
    """The ordering of a sort key ("deadline", "-deadline"…); an unknown key sorts newest first.
    Reversed, empty values (a closed incident has no deadline) still come last."""
    key = sort.lstrip("-")
    if key not in SORTS:
        sort, key = DEFAULT_SORT, DEFAULT_SORT.lstrip("-")
    columns = SORTS[key]
    if not sort.startswith("-"):
        return columns
    return tuple(
        OrderBy(column.expression, descending=not column.descending, nulls_last=column.nulls_last) for column in columns
    )


def search_incidents(user: AbstractBaseUser, criteria: Criteria, now: datetime | None = None) -> QuerySet:
    """Every incident this person sees that meets the criteria, in the order asked (load a page's rows with
    `rows_in_order`)."""
    now = now or timezone.now()
    incidents = incidents_visible_to(user).filter(text_condition(criteria.text))
    incidents = incidents.filter(person_condition(criteria.person, criteria.person_role))
    exact = {
        "platform": criteria.platform,
        "category": criteria.category,
        "level": criteria.level,
        "status": "" if criteria.status == NOT_CLOSED else criteria.status,
        "direction_id": criteria.direction_id,
    }
    incidents = incidents.filter(**{name: value for name, value in exact.items() if value})
    if criteria.status == NOT_CLOSED:
        incidents = incidents.exclude(level=Level.CLOSED)
    if criteria.urgent is not None:
        incidents = incidents.filter(urgent=criteria.urgent)
    if criteria.overdue:
        incidents = incidents.exclude(level=Level.CLOSED).filter(deadline_at__lt=now)
    if criteria.declared_from:
        incidents = incidents.filter(created_at__gte=_day_start(criteria.declared_from))
    if criteria.declared_to:
        incidents = incidents.filter(created_at__lt=_day_start(criteria.declared_to + timedelta(days=1)))
    return incidents.annotate(level_rank=_LEVEL_RANK).order_by(*ordering(criteria.sort))


def rows_in_order(pks: list[int]) -> list[Incident]:
    """The incidents of one page of results, in the order of their ids, with what a row shows (its holder).
    A page is chosen on ids alone, then its rows are loaded: joining every match to its direction, manager
    and handler before sorting would cost as much as the matches (thousands for a common word)."""
    loaded = Incident.objects.select_related(*HOLDER_RELATED).in_bulk(pks)
    return [loaded[pk] for pk in pks if pk in loaded]


def urgent_watch(user: AbstractBaseUser, *, limit: int) -> tuple[list[Incident], int]:
    """§6.1: every urgent incident not yet closed, at any level, soonest deadline first (DCAI only):
    the first `limit` rows and how many there are (two queries)."""
    if not can_search_incidents(user):
        return [], 0
    watched = never_concerned(Incident.objects.filter(urgent=True).exclude(level=Level.CLOSED), user)
    rows = list(watched.select_related(*HOLDER_RELATED).order_by("deadline_at", "id")[:limit])
    total = len(rows) if len(rows) < limit else watched.count()
    return rows, total
