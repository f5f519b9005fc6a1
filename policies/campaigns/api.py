"""acknowledgements:read — who confirmed the version in force, per person and per direction (§7.5).

For BI and the HR system. Filters: direction, status, updated since (incremental sync). People come
in pages with a stable cursor; each page costs the same few queries whatever the institution's size.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.response import Response

from policies.models import PolicyVersion
from policies.selectors import version_in_force
from portal.api.pagination import PageQuerySerializer, QuerySerializer, StableCursorPagination, paginated
from portal.api.schema import api_schema
from portal.api.scopes import ACKNOWLEDGEMENTS_READ
from portal.api.views import ApiView
from portal.models import StaffProfile

from .selectors.compliance import (
    STATUSES,
    direction_compliance,
    in_force_since,
    people_compliance,
    updated_since_filter,
)

STATUS_CHOICES = [
    ("acknowledged", _("Prise de connaissance confirmée")),
    ("pending", _("Demandée, échéance à venir")),
    ("overdue", _("Demandée, échéance passée")),
    ("not_requested", _("Pas encore demandée")),
]
assert [value for value, _label in STATUS_CHOICES] == list(STATUSES)


class VersionSerializer(serializers.Serializer):
    policy = serializers.CharField(help_text=_("Numéro de la politique, p. ex. 10974."))
    label = serializers.CharField(help_text=_("Version."))
    effective_on = serializers.DateField(allow_null=True)
    in_force_since = serializers.DateTimeField()


class PersonSerializer(serializers.Serializer):
    employee_number = serializers.CharField()
    first_name = serializers.CharField(source="user.first_name")
    last_name = serializers.CharField(source="user.last_name")
    email = serializers.CharField(source="user.email")
    direction = serializers.CharField(source="direction.code")
    manager = serializers.CharField(
        source="manager.employee_number", allow_null=True, default=None, help_text=_("Matricule du gestionnaire.")
    )
    category = serializers.ChoiceField(choices=StaffProfile.Category.choices)
    status = serializers.ChoiceField(choices=STATUS_CHOICES)
    requested_at = serializers.DateTimeField(allow_null=True)
    due_on = serializers.DateField(allow_null=True)
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField(help_text=_("Dernier changement connu du statut de cette personne."))


class DirectionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_fr = serializers.CharField()
    name_en = serializers.CharField(allow_blank=True)
    staff = serializers.IntegerField(help_text=_("Intervenants actifs."))
    acknowledged = serializers.IntegerField()
    pending = serializers.IntegerField()
    overdue = serializers.IntegerField()
    not_requested = serializers.IntegerField()
    rate = serializers.FloatField(help_text=_("Part des intervenants qui ont confirmé, en pour cent."))


class DirectionsAnswerSerializer(serializers.Serializer):
    version = VersionSerializer(allow_null=True)
    directions = DirectionSerializer(many=True)


class PeopleQuerySerializer(PageQuerySerializer):
    direction = serializers.CharField(required=False, max_length=20, help_text=_("Code de la direction."))
    status = serializers.ChoiceField(choices=STATUS_CHOICES, required=False)
    updated_since = serializers.DateTimeField(
        required=False, help_text=_("Seulement les personnes dont le statut a pu changer depuis ce moment (ISO 8601).")
    )


class DirectionsQuerySerializer(QuerySerializer):
    direction = serializers.CharField(required=False, max_length=20, help_text=_("Code de la direction."))


def _version_body(version: PolicyVersion, since) -> dict:
    return {
        "policy": version.policy.number,
        "label": version.label,
        "effective_on": version.effective_on,
        "in_force_since": since,
    }


def _people(version: PolicyVersion, since, direction: str = "") -> QuerySet:
    people = people_compliance(version, today=timezone.localdate(), since=since)
    if direction:
        people = people.filter(direction__code=direction.upper())
    return people


class PeoplePagination(StableCursorPagination):
    ordering = "pk"


class AcknowledgementPeopleView(ApiView):
    required_scope = ACKNOWLEDGEMENTS_READ

    @api_schema(
        scope=ACKNOWLEDGEMENTS_READ,
        summary=_("Prise de connaissance par personne, pour la version en vigueur"),
        description=_(
            "Chaque intervenant actif et son statut pour la version en vigueur de la politique. Pour une "
            "synchronisation incrémentale, passez updated_since : la date du début de votre synchronisation "
            "précédente. Pages à curseur stable (next, previous). version est null quand aucune version "
            "n'est en vigueur (et results est vide)."
        ),
        parameters=[PeopleQuerySerializer],
        responses={200: paginated(PersonSerializer, version=VersionSerializer(allow_null=True))},
        tags=["acknowledgements"],
    )
    def get(self, request):
        query = PeopleQuerySerializer.read(request)
        version = version_in_force()
        paginator = PeoplePagination()
        if version is None:
            return Response({"next": None, "previous": None, "version": None, "results": []})
        since = in_force_since(version)
        people = _people(version, since, query.get("direction", ""))
        if query.get("status"):
            people = people.filter(status=query["status"])
        if query.get("updated_since"):
            people = people.filter(updated_since_filter(query["updated_since"], today=timezone.localdate()))
        people = people.select_related("user", "direction", "manager")
        page = paginator.paginate_queryset(people, request, view=self)
        response = paginator.get_paginated_response(PersonSerializer(page, many=True).data)
        response.data["version"] = VersionSerializer(_version_body(version, since)).data
        return response


class AcknowledgementDirectionsView(ApiView):
    required_scope = ACKNOWLEDGEMENTS_READ

    @api_schema(
        scope=ACKNOWLEDGEMENTS_READ,
        summary=_("Prise de connaissance par direction, pour la version en vigueur"),
        description=_("Par direction : intervenants actifs, confirmés, en attente, en retard, pas encore demandés."),
        parameters=[DirectionsQuerySerializer],
        responses={200: DirectionsAnswerSerializer},
        tags=["acknowledgements"],
    )
    def get(self, request):
        query = DirectionsQuerySerializer.read(request)
        version = version_in_force()
        if version is None:
            return Response({"version": None, "directions": []})
        since = in_force_since(version)
        rows = list(direction_compliance(_people(version, since, query.get("direction", ""))))
        for row in rows:
            row["rate"] = round(100 * row["acknowledged"] / row["staff"], 1) if row["staff"] else 0.0
        return Response(
            {
                "version": VersionSerializer(_version_body(version, since)).data,
                "directions": DirectionSerializer(rows, many=True).data,
            }
        )


def routes() -> list:
    return [
        path("acknowledgements/people/", AcknowledgementPeopleView.as_view(), name="acknowledgements_people"),
        path(
            "acknowledgements/directions/",
            AcknowledgementDirectionsView.as_view(),
            name="acknowledgements_directions",
        ),
    ]

