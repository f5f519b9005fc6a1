"""roster:read — who may publish on which official account, for the publishing tools (§6.3, §7.3).

Two reads: the authorized users in force per official account on a day (today by default), and the
changes of the roster since a moment (designations submitted, confirmed, refused, revoked, expired),
for an incremental sync. Never a justification, a refusal comment or a revocation reason.
Constant number of queries per page, whatever the size of the roster.
"""

from __future__ import annotations

import datetime

from django.db.models import Prefetch, QuerySet
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from portal.api.pagination import PageQuerySerializer, StableCursorPagination, paginated
from portal.api.schema import api_schema
from portal.api.scopes import ROSTER_READ
from portal.api.views import ApiView

from .models import Designation, DesignationEvent, OfficialAccount

# The events that change who may publish; reminders and renewal requests do not.
ROSTER_CHANGES = (
    DesignationEvent.Action.CREATED,
    DesignationEvent.Action.RENEWAL_CREATED,
    DesignationEvent.Action.CONFIRMED,
    DesignationEvent.Action.REFUSED,
    DesignationEvent.Action.REVOKED,
    DesignationEvent.Action.EXPIRED,
)


# --- Reads -------------------------------------------------------------------------------------------


def designations_in_force(day: datetime.date) -> QuerySet[Designation]:
    """§6.3: confirmed designations whose period covers `day`, of staff still active."""
    return Designation.objects.filter(
        status=Designation.Status.ACTIVE,
        start_date__lte=day,
        end_date__gte=day,
        profile__is_active=True,
    )


def accounts_with_authorized_users(day: datetime.date, *, platform: str = "", include_inactive: bool = False):
    """Official accounts, each with `authorized` = its designations in force on `day` (one query more)."""
    accounts = OfficialAccount.objects.select_related("direction")
    if not include_inactive:
        accounts = accounts.filter(is_active=True)
    if platform:
        accounts = accounts.filter(platform=platform)
    in_force = designations_in_force(day).select_related("profile__user", "direction").order_by("end_date", "pk")
    return accounts.prefetch_related(Prefetch("designations", queryset=in_force, to_attr="authorized"))


def roster_changes(since: datetime.datetime, *, platform: str = "") -> QuerySet[DesignationEvent]:
    events = DesignationEvent.objects.filter(created_at__gte=since, action__in=ROSTER_CHANGES)
    if platform:
        events = events.filter(designation__accounts__platform=platform).distinct()
    return events.select_related("designation__profile__user", "designation__direction").prefetch_related(
        Prefetch("designation__accounts", queryset=OfficialAccount.objects.order_by("platform", "handle"))
    )


# --- Serializers ---------------------------------------------------------------------------------------


class PersonSerializer(serializers.Serializer):
    employee_number = serializers.CharField(source="profile.employee_number")
    first_name = serializers.CharField(source="profile.user.first_name")
    last_name = serializers.CharField(source="profile.user.last_name")
    email = serializers.EmailField(source="profile.user.email", allow_blank=True)


class AuthorizedUserSerializer(PersonSerializer):
    designation = serializers.CharField(source="reference", help_text=_("Référence de la désignation (UA-…)."))
    role = serializers.ChoiceField(choices=Designation.Role.choices)
    direction = serializers.CharField(source="direction.code", help_text=_("Direction qui a désigné."))
    start_date = serializers.DateField()
    end_date = serializers.DateField()


class AccountSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    platform = serializers.ChoiceField(choices=OfficialAccount.Platform.choices)
    handle = serializers.CharField()
    url = serializers.CharField()
    direction = serializers.CharField(source="direction.code", help_text=_("Direction responsable du compte."))
    is_active = serializers.BooleanField()
    authorized_users = AuthorizedUserSerializer(source="authorized", many=True)


class AccountRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    platform = serializers.ChoiceField(choices=OfficialAccount.Platform.choices)
    handle = serializers.CharField()


class ChangeSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("Identifiant croissant de l'événement."))
    at = serializers.DateTimeField(source="created_at")
    action = serializers.ChoiceField(choices=[(a.value, a.label) for a in ROSTER_CHANGES])
    status = serializers.ChoiceField(
        source="to_status", choices=Designation.Status.choices, help_text=_("Statut après l'événement.")
    )
    designation = serializers.CharField(source="designation.reference")
    employee_number = serializers.CharField(source="designation.profile.employee_number")
    first_name = serializers.CharField(source="designation.profile.user.first_name")
    last_name = serializers.CharField(source="designation.profile.user.last_name")
    role = serializers.ChoiceField(source="designation.role", choices=Designation.Role.choices)
    direction = serializers.CharField(source="designation.direction.code")
    start_date = serializers.DateField(source="designation.start_date")
    end_date = serializers.DateField(source="designation.end_date")
    accounts = AccountRefSerializer(source="designation.accounts.all", many=True)


class AccountsQuerySerializer(PageQuerySerializer):
    on = serializers.DateField(required=False, help_text=_("Le jour voulu (AAAA-MM-JJ) ; aujourd'hui par défaut."))
    platform = serializers.ChoiceField(choices=OfficialAccount.Platform.choices, required=False)
    include_inactive = serializers.BooleanField(
        required=False, default=False, help_text=_("Aussi les comptes désactivés (true ou false).")
    )


class ChangesQuerySerializer(PageQuerySerializer):
    since = serializers.DateTimeField(help_text=_("Depuis ce moment (ISO 8601, p. ex. 2025-01-31T00:00:00-05:00)."))
    platform = serializers.ChoiceField(choices=OfficialAccount.Platform.choices, required=False)


class AccountPagination(StableCursorPagination):
    page_size = 100
    ordering = "pk"


class ChangePagination(StableCursorPagination):
    ordering = "pk"


# --- Views ---------------------------------------------------------------------------------------------


class RosterAccountsView(ApiView):
    required_scope = ROSTER_READ

    @api_schema(
        scope=ROSTER_READ,
        summary=_("Utilisateurs autorisés en fonction, par compte officiel"),
        description=_(
            "Chaque compte officiel avec les utilisateurs autorisés dont la désignation est confirmée et "
            "couvre le jour demandé (§6.3), avec les dates de début et de fin."
        ),
        parameters=[AccountsQuerySerializer],
        responses={200: paginated(AccountSerializer)},
        tags=["roster"],
    )
    def get(self, request):
        query = AccountsQuerySerializer.read(request)
        day = query.get("on") or timezone.localdate()
        accounts = accounts_with_authorized_users(
            day, platform=query.get("platform", ""), include_inactive=query["include_inactive"]
        )
        paginator = AccountPagination()
        page = paginator.paginate_queryset(accounts, request, view=self)
        return paginator.get_paginated_response(AccountSerializer(page, many=True).data)


class RosterChangesView(ApiView):
    required_scope = ROSTER_READ

    @api_schema(
        scope=ROSTER_READ,
        summary=_("Changements du registre depuis un moment"),
        description=_(
            "Les désignations soumises, confirmées, refusées, révoquées ou échues depuis `since`, dans "
            "l'ordre où elles sont arrivées. Une désignation confirmée n'autorise qu'entre ses dates de "
            "début et de fin."
        ),
        parameters=[ChangesQuerySerializer],
        responses={200: paginated(ChangeSerializer)},
        tags=["roster"],
    )
    def get(self, request):
        query = ChangesQuerySerializer.read(request)
        events = roster_changes(query["since"], platform=query.get("platform", ""))
        paginator = ChangePagination()
        page = paginator.paginate_queryset(events, request, view=self)
        return paginator.get_paginated_response(ChangeSerializer(page, many=True).data)


def routes() -> list:
    return [
        path("roster/accounts/", RosterAccountsView.as_view(), name="roster_accounts"),
        path("roster/changes/", RosterChangesView.as_view(), name="roster_changes"),
    ]
