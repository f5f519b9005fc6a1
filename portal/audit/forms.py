"""DCAI's search of the audit trail: person, incident, kind of access, dates."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import AuditRecord

# An HTML date picker needs ISO dates to show its initial value.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AuditFilterForm(forms.Form):
    person = forms.CharField(label=_("Personne (nom ou identifiant)"), required=False, max_length=100)
    incident = forms.CharField(label=_("Référence (incident, inscription)"), required=False, max_length=60)
    kind = forms.ChoiceField(label=_("Accès"), required=False, choices=[("", _("Tous")), *AuditRecord.Kind.choices])
    start = forms.DateField(label=_("Du"), required=False, widget=DATE)
    end = forms.DateField(label=_("Au"), required=False, widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("La date de début est après la date de fin."))
        return data

    def apply(self, records):
        if not self.is_bound or not self.is_valid():
            return records
        data = self.cleaned_data
        if data["person"]:
            term = data["person"].strip()
            records = records.filter(Q(actor_label__icontains=term) | Q(actor__username__iexact=term))
        if data["incident"]:
            records = records.filter(reference__iexact=data["incident"].strip())
        if data["kind"]:
            records = records.filter(kind=data["kind"])
        tz = timezone.get_current_timezone()
        if data["start"]:
            records = records.filter(at__gte=datetime.combine(data["start"], time.min, tzinfo=tz))
        if data["end"]:
            records = records.filter(at__lt=datetime.combine(data["end"] + timedelta(days=1), time.min, tzinfo=tz))
        return records
