"""The queues' filters and sort: only the choices that can match this person's queue.

The sort is a named column (`?tri=echeance`, `?tri=-echeance`); an unknown name is ignored and the
queue keeps its own order (urgent first, then the nearest deadline), so a forged link changes nothing.
"""

from __future__ import annotations

from functools import cache

from django import forms
from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _

from portal.models import Direction

from ..models import Incident
from .fields import DateInput

# Column name in the address -> the fields it orders by (a tiebreaker keeps pages stable).
SORTS = {
    "reference": ("reference",),
    "declare": ("created_at",),
    "categorie": ("category",),
    "plateforme": ("platform",),
    "statut": ("status",),
    "echeance": ("deadline_at",),
    "ferme": ("closed_at",),
}


def sort_ordering(value: str) -> list | None:
    """`echeance` or `-echeance` -> an order_by list (empty deadlines last), or None when unknown."""
    descending = value.startswith("-")
    fields = SORTS.get(value.lstrip("-"))
    if not fields:
        return None
    ordering = [
        F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True) for name in fields
    ]
    return [*ordering, "-id" if descending else "id"]


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Statut"), required=False, choices=[("", _("Tous"))] + Incident.Status.choices
    )
    category = forms.ChoiceField(
        label=_("Catégorie"), required=False, choices=[("", _("Toutes"))] + Incident.Category.choices
    )
    platform = forms.ChoiceField(
        label=_("Plateforme"), required=False, choices=[("", _("Toutes"))] + Incident.Platform.choices
    )
    level = forms.ChoiceField(
        label=_("Niveau"), required=False, choices=[("", _("Tous"))] + Incident.Level.choices
    )
    date_from = forms.DateField(label=_("Déclaré du"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("au"), required=False, widget=DateInput())
    direction = forms.TypedChoiceField(label=_("Direction"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, queue: QuerySet | None = None, **kwargs):
        """`queue`: the person's queue, so the directions offered are only those it holds (a subquery of
        the same query): a manager is not offered the fifteen directions of the institution. They are read
        once, when the form is drawn or checked, as plain values (a list page draws the form every time)."""
        super().__init__(*args, **kwargs)
        directions = Direction.objects.order_by("code")
        if queue is not None:
            directions = directions.filter(pk__in=queue.order_by().values("direction"))

        @cache
        def choices() -> list[tuple[int | str, str]]:
            rows = directions.values_list("pk", "code", "name_fr", "name_en")
            return [("", _("Toutes")), *((pk, Direction.label(*names)) for pk, *names in rows)]

        self.fields["direction"].choices = choices

    def apply(self, queryset: QuerySet, sort: str = "") -> QuerySet:
        ordering = sort_ordering(sort or "")
        if ordering:
            queryset = queryset.order_by(*ordering)
        if not self.is_bound or not self.is_valid():
            return queryset
        data = self.cleaned_data
        for name in ("status", "category", "platform", "level"):
            if data.get(name):
                queryset = queryset.filter(**{name: data[name]})
        if data.get("date_from"):
            queryset = queryset.filter(created_at__date__gte=data["date_from"])
        if data.get("date_to"):
            queryset = queryset.filter(created_at__date__lte=data["date_to"])
        if data.get("direction"):
            queryset = queryset.filter(direction_id=data["direction"])
        return queryset
