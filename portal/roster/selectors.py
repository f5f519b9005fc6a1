"""Reads of the roster, scoped to the person asking (§6.3, §7.3, §7.4)."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from portal.roles import roles_for

from .models import Designation, DesignationAccount, DesignationEvent, OfficialAccount

EXPIRING_SOON_DAYS = 30


def designations_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Designation]:
    """DCAI sees the whole roster; a direction (head, delegates) its own; a person their own designations."""
    roles = roles_for(user)
    if roles.is_dcai:
        return Designation.objects.all()
    if not user.is_authenticated:
        return Designation.objects.none()
    scope = Q(profile__user=user)
    if roles.led_direction_ids:
        scope |= Q(direction_id__in=roles.led_direction_ids)
    return Designation.objects.filter(scope)


def direction_roster_of(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Designation]:
    """§7.4: the designations of the directions this person leads (head or delegate), nothing else."""
    led = roles_for(user).led_direction_ids
    if not led:
        return Designation.objects.none()
    return designations_visible_to(user).filter(direction_id__in=led)


def is_authorized_user(user: AbstractBaseUser | AnonymousUser) -> bool:
    """§6.3: does this person hold a confirmed designation in force today?"""
    if not user.is_authenticated:
        return False
    today = timezone.localdate()
    return Designation.objects.filter(
        profile__user=user,
        profile__is_active=True,
        status=Designation.Status.ACTIVE,
        start_date__lte=today,
        end_date__gte=today,
    ).exists()


def with_list_data(queryset: QuerySet[Designation]) -> QuerySet[Designation]:
    """What a roster row shows, in a constant number of queries."""
    return queryset.select_related("profile__user", "direction").prefetch_related(
        Prefetch("accounts", queryset=OfficialAccount.objects.order_by("platform", "handle"))
    )


def get_designation_for(user: AbstractBaseUser, pk: int) -> Designation:
    designation = (
        designations_visible_to(user)
        .select_related(
            "profile__user",
            "profile__direction",
            "direction",
            "designated_by",
            "decided_by",
            "revoked_by",
            "renewal_of",
        )
        .annotate(
            has_live_renewal=Exists(
                Designation.objects.filter(renewal_of=OuterRef("pk"), status__in=Designation.OPEN_STATUSES)
            )
        )
        .filter(pk=pk)
        .first()
    )
    if designation is None:
        raise Http404
    return designation


def events_of(designation: Designation) -> QuerySet[DesignationEvent]:
    return designation.events.select_related("actor").order_by("at", "id")


def expiring_soon_filter(today: datetime.date | None = None) -> Q:
    today = today or timezone.localdate()
    return Q(
        status=Designation.Status.ACTIVE,
        end_date__gte=today,
        end_date__lte=today + datetime.timedelta(days=EXPIRING_SOON_DAYS),
    )


def filter_roster(queryset: QuerySet[Designation], params: dict) -> QuerySet[Designation]:
    """Apply the roster filters (already validated by RosterFilterForm.cleaned_data)."""
    if params.get("status"):
        queryset = queryset.filter(status=params["status"])
    if params.get("direction"):
        queryset = queryset.filter(direction=params["direction"])
    if params.get("platform"):
        queryset = queryset.filter(
            Exists(
                DesignationAccount.objects.filter(
                    designation_id=OuterRef("pk"), account__platform=params["platform"]
                )
            )
        )
    if params.get("account"):
        queryset = queryset.filter(
            Exists(
                DesignationAccount.objects.filter(
                    designation_id=OuterRef("pk"), account_id=params["account"].pk
                )
            )
        )
    if params.get("expiring"):
        queryset = queryset.filter(expiring_soon_filter())
    if params.get("q"):
        term = params["q"]
        queryset = queryset.filter(
            Q(profile__user__last_name__icontains=term)
            | Q(profile__user__first_name__icontains=term)
            | Q(profile__employee_number__iexact=term)
        )
    return queryset


def accounts_for_dcai() -> QuerySet[OfficialAccount]:
    return OfficialAccount.objects.select_related("direction").order_by("platform", "handle")
