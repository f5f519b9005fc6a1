"""The period and direction of the statistics page and of a board report (incidents.statistics.period)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import Direction

from ..statistics import period as periods
from .fields import DateInput

CUSTOM = "custom"


class PeriodForm(forms.Form):
    """A period from the menu (the last twelve months, a year, a quarter) or two dates."""

    period = forms.ChoiceField(label=_("Période"), required=False)
    start = forms.DateField(label=_("Du"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Au"), required=False, widget=DateInput())

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["period"].choices = [*periods.choices(today), (CUSTOM, _("Autres dates…"))]
        self.fields["period"].initial = periods.LAST_12_MONTHS

    def clean(self):
        data = super().clean()
        token = data.get("period") or periods.LAST_12_MONTHS
        # Dates typed in while the menu still shows its default: the dates are what was meant.
        if token == periods.LAST_12_MONTHS and (data.get("start") or data.get("end")):
            token = CUSTOM
        if token != CUSTOM:
            data["chosen"] = periods.parse(token, self.today)
            return data
        start, end = data.get("start"), data.get("end")
        if not start:
            self.add_error("start", _("Indiquez le début de la période."))
        if not end:
            self.add_error("end", _("Indiquez la fin de la période."))
        if start and end:
            if start > end:
                self.add_error("end", _("La fin de la période précède son début."))
            elif end > self.today:
                self.add_error("end", _("La période ne peut pas finir après aujourd'hui."))
            elif start.year < periods.EARLIEST_YEAR:
                self.add_error("start", _("La période commence trop tôt."))
            else:
                data["chosen"] = periods.custom(start, end)
        return data

    def chosen_period(self) -> periods.Period:
        """The period asked for; the last twelve months when nothing (or nothing valid) was asked."""
        if self.is_bound and self.is_valid() and self.cleaned_data.get("chosen"):
            return self.cleaned_data["chosen"]
        return periods.last_12_months(self.today)


class StatisticsForm(PeriodForm):
    direction = forms.TypedChoiceField(label=_("Direction"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.directions = {d.pk: d for d in Direction.objects.order_by("code")}
        self.fields["direction"].choices = [("", _("Toutes les directions"))] + [
            (pk, f"{d.code} – {d.name}") for pk, d in self.directions.items()
        ]

    def chosen_direction(self) -> Direction | None:
        if self.is_bound and self.is_valid():
            return self.directions.get(self.cleaned_data.get("direction"))
        return None
