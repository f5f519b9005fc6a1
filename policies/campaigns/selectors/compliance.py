"""Acknowledgement of the version in force, per person and per direction (§7.5), for systems (BI, HR).

A person (active staff) is `acknowledged` when they confirmed the version in force; otherwise
`overdue` when every deadline they were given for it has passed, `pending` while one still runs, and
`not_requested` when no campaign has asked them yet. One query per page of people, one for all the
directions, whatever the size of the institution (plus one for the version's campaigns).
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict

from django.db.models import (
    Case,
    CharField,
    DateTimeField,
    FilteredRelation,
    Max,
    Min,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from policies.models import PolicyVersion, PolicyVersionEvent
from portal.models import Direction, StaffProfile

from ..models import Campaign

ACKNOWLEDGED = "acknowledged"
PENDING = "pending"
OVERDUE = "overdue"
NOT_REQUESTED = "not_requested"
STATUSES = (ACKNOWLEDGED, PENDING, OVERDUE, NOT_REQUESTED)


def in_force_since(version: PolicyVersion) -> datetime.datetime:
    """When the version was put in force (its event), else when it was last saved."""
    event = (
        PolicyVersionEvent.objects.filter(version=version, action=PolicyVersionEvent.Action.PUT_IN_FORCE)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return event or version.updated_at


def people_compliance(
    version: PolicyVersion, *, today: datetime.date, since: datetime.datetime
) -> QuerySet[StaffProfile]:
    """Active staff, each with `status`, `acknowledged_at`, `requested_at`, `due_on` and `updated_at`.

    `since` is when the version went in force: no status of this version is older than that. One join to
    the person's requests of this version and one to their acknowledgement of it, grouped per person.
    """
    # An empty list would make the whole query empty (Django drops a query with `IN ()`); 0 is no campaign.
    campaign_ids = list(Campaign.objects.filter(version=version).values_list("pk", flat=True)) or [0]
    floor = Value(since, output_field=DateTimeField())
    return (
        StaffProfile.objects.filter(is_active=True)
        .annotate(
            version_requests=FilteredRelation(
                "acknowledgement_requests", condition=Q(acknowledgement_requests__campaign_id__in=campaign_ids)
            ),
            version_acknowledgements=FilteredRelation(
                "user__acknowledgements", condition=Q(user__acknowledgements__version=version)
            ),
        )
        .annotate(
            acknowledged_at=Max("version_acknowledgements__acknowledged_at"),
            # The latest deadline given: late only once every campaign's deadline has passed.
            due_on=Max("version_requests__due_on"),
            requested_at=Min("version_requests__created_at"),
            last_requested_at=Max("version_requests__created_at"),
        )
        .annotate(
            status=Case(
                When(acknowledged_at__isnull=False, then=Value(ACKNOWLEDGED)),
                When(due_on__isnull=True, then=Value(NOT_REQUESTED)),
                When(due_on__lt=today, then=Value(OVERDUE)),
                default=Value(PENDING),
                output_field=CharField(),
            ),
            # Greatest is NULL on SQLite when one value is: every value falls back to the floor.
            updated_at=Greatest(
                floor,
                Coalesce("acknowledged_at", floor),
                Coalesce("last_requested_at", floor),
                output_field=DateTimeField(),
            ),
        )
    )


def updated_since_filter(moment: datetime.datetime, *, today: datetime.date) -> Q:
    """People whose status may have changed since `moment`: a confirmation, a new request, or a
    deadline that passed since then (the status turns to overdue at the midnight after `due_on`)."""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    # The first midnight at or after `moment`, as a day: deadlines that end from then on changed since.
    first_midnight = local.date() if local.time() == datetime.time.min else local.date() + datetime.timedelta(days=1)
    return Q(updated_at__gte=moment) | Q(
        acknowledged_at__isnull=True,
        due_on__gte=first_midnight - datetime.timedelta(days=1),
        due_on__lt=today,
    )


def direction_compliance(people: QuerySet[StaffProfile]) -> list[dict]:
    """Per direction: staff, acknowledged, pending, overdue and not requested, by code (two queries: the
    statuses are per-person aggregates, counted here rather than aggregated again in SQL)."""
    counts: dict[int, Counter] = defaultdict(Counter)
    for direction_id, status in people.order_by().values_list("direction_id", "status").iterator(chunk_size=5000):
        counts[direction_id][status] += 1
    directions = Direction.objects.filter(pk__in=counts).order_by("code")
    return [
        {
            "code": d.code,
            "name_fr": d.name_fr,
            "name_en": d.name_en,
            "staff": sum(counts[d.pk].values()),
            **{status: counts[d.pk][status] for status in STATUSES},
        }
        for d in directions
    ]
