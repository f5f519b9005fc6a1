"""statistics:read — incident figures for BI: counts and times by month, category, platform, direction,
level and outcome (§7.2: the general direction follows the application of the policy through indicators).

The same figures as the DCAI statistics page and the board reports (`incidents.statistics.figures`).
Never an incident's content, reference, evidence, a register entry or anyone's name: counts of groups
and durations in seconds.
"""

from __future__ import annotations

import datetime

from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.response import Response

from portal.api.pagination import QuerySerializer
from portal.api.schema import api_schema
from portal.api.scopes import STATISTICS_READ
from portal.api.views import ApiView
from portal.models import Direction

from .statistics.figures import CLOSING_LEVELS, LEVELS, incident_figures
from .statistics.period import EARLIEST_YEAR, Period, custom, last_12_months, parse


class CountSerializer(serializers.Serializer):
    code = serializers.CharField()
    count = serializers.IntegerField()


class MonthSerializer(serializers.Serializer):
    month = serializers.CharField(help_text=gettext_lazy("AAAA-MM"))
    count = serializers.IntegerField()


class DirectionCountSerializer(serializers.Serializer):
    code = serializers.CharField(allow_blank=True, help_text=gettext_lazy("Vide : incidents sans direction visée."))
    name_fr = serializers.CharField(allow_blank=True)
    name_en = serializers.CharField(allow_blank=True)
    count = serializers.IntegerField()


class DurationSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text=gettext_lazy("Incidents mesurés."))
    p50 = serializers.IntegerField(allow_null=True, help_text=gettext_lazy("Médiane, en secondes."))
    p90 = serializers.IntegerField(allow_null=True, help_text=gettext_lazy("90e centile, en secondes."))


def _per(keys, help_text) -> serializers.Serializer:
    names = [str(key.value if hasattr(key, "value") else key) for key in keys]
    fields = {name: DurationSerializer() for name in names}
    return type(f"Durations{''.join(n.title() for n in names)}", (serializers.Serializer,), fields)(
        help_text=help_text
    )


class TimesSerializer(serializers.Serializer):
    take = _per(LEVELS, gettext_lazy("Délai de prise en charge à chaque niveau, depuis l'arrivée au niveau."))
    close = _per(
        (*CLOSING_LEVELS, "all"), gettext_lazy("Délai de fermeture depuis la déclaration, par niveau qui ferme.")
    )


class OverdueSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    rate = serializers.FloatField(help_text=gettext_lazy("En pour cent des incidents de la période."))
    auto_escalated = serializers.IntegerField()
    auto_escalations = serializers.IntegerField()


class TakedownSerializer(serializers.Serializer):
    requested = serializers.IntegerField()
    obtained = serializers.IntegerField()
    median_removal = serializers.IntegerField(allow_null=True, help_text=gettext_lazy("En secondes."))


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


class StatisticsSerializer(serializers.Serializer):
    period = PeriodSerializer()
    direction = serializers.CharField(allow_null=True, help_text=gettext_lazy("Code de la direction filtrée."))
    total = serializers.IntegerField()
    open = serializers.IntegerField()
    closed = serializers.IntegerField()
    urgent = serializers.IntegerField()
    by_month = MonthSerializer(many=True)
    by_category = CountSerializer(many=True)
    by_platform = CountSerializer(many=True)
    by_direction = DirectionCountSerializer(many=True)
    by_level = CountSerializer(
        many=True, help_text=gettext_lazy("Niveau atteint : où il a été fermé, sinon où il est.")
    )
    by_outcome = CountSerializer(many=True, help_text=gettext_lazy("Issue ; « open » : pas encore fermé."))
    times = TimesSerializer()
    overdue = OverdueSerializer()
    takedowns = TakedownSerializer()


class StatisticsQuerySerializer(QuerySerializer):
    period = serializers.CharField(
        required=False,
        max_length=30,
        help_text=gettext_lazy("Période nommée : 12m, 2025, 2025-T1 ; 12m par défaut."),
    )
    start = serializers.DateField(required=False, help_text=gettext_lazy("Premier jour (avec end, au lieu de period)."))
    end = serializers.DateField(required=False, help_text=gettext_lazy("Dernier jour, au plus aujourd'hui."))
    direction = serializers.CharField(required=False, max_length=20, help_text=gettext_lazy("Code de la direction."))

    def validate(self, attrs):
        attrs = super().validate(attrs)
        attrs["period_value"] = self._period(attrs)
        code = attrs.get("direction")
        attrs["direction_value"] = None
        if code:
            attrs["direction_value"] = Direction.objects.filter(code=code.upper()).first()
            if attrs["direction_value"] is None:
                raise serializers.ValidationError({"direction": [_("Direction inconnue.")]})
        return attrs

    def _period(self, attrs) -> Period:
        today = timezone.localdate()
        token, start, end = attrs.get("period"), attrs.get("start"), attrs.get("end")
        if token and (start or end):
            raise serializers.ValidationError({"period": [_("Donnez period, ou start et end, pas les deux.")]})
        if token:
            found = parse(token, today)
            if found is None:
                raise serializers.ValidationError({"period": [_("Période inconnue (12m, 2025, 2025-T1).")]})
            return found
        if start or end:
            if not (start and end):
                raise serializers.ValidationError({"start": [_("Donnez start et end ensemble.")]})
            if not datetime.date(EARLIEST_YEAR, 1, 1) <= start <= end <= today:
                message = _("Il faut %(first)s ≤ start ≤ end ≤ aujourd'hui.") % {"first": f"{EARLIEST_YEAR}-01-01"}
                raise serializers.ValidationError({"start": [message]})
            return custom(start, end)
        return last_12_months(today)


def as_api(figures: dict) -> dict:
    """The figures of `incident_figures` as named fields (its lists become objects)."""

    def pairs(rows):
        return [{"code": code, "count": count} for code, count in rows]

    return {
        "period": {"start": figures["period"]["start"], "end": figures["period"]["end"]},
        "direction": figures["direction"]["code"] if figures["direction"] else None,
        "total": figures["total"],
        "open": figures["open"],
        "closed": figures["closed"],
        "urgent": figures["urgent"],
        "by_month": [{"month": month, "count": count} for month, count in figures["by_month"]],
        "by_category": pairs(figures["by_category"]),
        "by_platform": pairs(figures["by_platform"]),
        "by_direction": [
            {"code": code, "name_fr": fr, "name_en": en, "count": count}
            for code, fr, en, count in figures["by_direction"]
        ],
        "by_level": pairs(figures["by_level"]),
        "by_outcome": pairs(figures["by_outcome"]),
        "times": figures["times"],
        "overdue": figures["overdue"],
        "takedowns": figures["takedowns"],
    }


class IncidentStatisticsView(ApiView):
    required_scope = STATISTICS_READ

    @api_schema(
        scope=STATISTICS_READ,
        summary=gettext_lazy("Statistiques d'incidents d'une période"),
        description=gettext_lazy(
            "Incidents déclarés pendant la période (d'une direction, au besoin) : par mois, catégorie, "
            "plateforme, direction, niveau atteint et issue ; délais de prise en charge et de fermeture "
            "(médiane, 90e centile) ; échéances dépassées ; retraits demandés. Jamais le contenu d'un "
            "incident, sa référence ni un nom."
        ),
        parameters=[StatisticsQuerySerializer],
        responses={200: StatisticsSerializer},
        tags=["statistics"],
    )
    def get(self, request):
        query = StatisticsQuerySerializer.read(request)
        figures = incident_figures(query["period_value"], direction=query["direction_value"])
        return Response(as_api(figures))


def routes() -> list:
    return [path("statistics/incidents/", IncidentStatisticsView.as_view(), name="statistics_incidents")]

