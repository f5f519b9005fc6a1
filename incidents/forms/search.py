"""DCAI's search of every incident: the query string parsed into criteria (incidents.selectors.search).

Everything lives in the URL, so a search can be bookmarked and shared with another DCAI officer. A part
that does not parse is reported on its field and left out; the other parts still apply.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import Direction

from ..models import Incident
from ..selectors.search import (
    DEFAULT_SORT,
    NOT_CLOSED,
    PERSON_ANY,
    PERSON_CONCERNED,
    PERSON_DECLARER,
    PERSON_HANDLER,
    SORTS,
    Criteria,
)
from .fields import DateInput

YES, NO = "oui", "non"


class IncidentSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Référence ou mots"),
        required=False,
        max_length=200,
        help_text=_("Une référence (INC-2025-00012), ou des mots de la description et des notes internes."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    person = forms.CharField(
        label=_("Personne"),
        required=False,
        max_length=100,
        help_text=_("Nom ou matricule."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    person_role = forms.ChoiceField(
        label=_("Rôle de la personne"),
        required=False,
        choices=[
            (PERSON_ANY, _("Tous les rôles")),
            (PERSON_DECLARER, _("Déclarant")),
            (PERSON_CONCERNED, _("Personne concernée")),
            (PERSON_HANDLER, _("Responsable du traitement")),
        ],
    )
    platform = forms.ChoiceField(
        label=_("Plateforme"), required=False, choices=[("", _("Toutes"))] + Incident.Platform.choices
    )
    category = forms.ChoiceField(
        label=_("Catégorie"), required=False, choices=[("", _("Toutes"))] + Incident.Category.choices
    )
    level = forms.ChoiceField(label=_("Niveau"), required=False, choices=[("", _("Tous"))] + Incident.Level.choices)
    status = forms.ChoiceField(
        label=_("Statut"),
        required=False,
        choices=[("", _("Tous")), (NOT_CLOSED, _("En cours (non fermés)"))] + Incident.Status.choices,
    )
    direction = forms.TypedChoiceField(
        label=_("Direction"), required=False, coerce=int, empty_value=None
    )
    urgent = forms.ChoiceField(
        label=_("Urgent"), required=False, choices=[("", _("Tous")), (YES, _("Urgents")), (NO, _("Non urgents"))]
    )
    overdue = forms.BooleanField(label=_("En retard seulement"), required=False)
    declared_from = forms.DateField(label=_("Déclaré du"), required=False, widget=DateInput())
    declared_to = forms.DateField(label=_("au"), required=False, widget=DateInput())
    sort = forms.ChoiceField(
        required=False,
        widget=forms.HiddenInput,
        choices=[(key, key) for name in SORTS for key in (name, f"-{name}")],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["direction"].choices = [("", _("Toutes"))] + [
            (direction.pk, f"{direction.code} – {direction.name}")
            for direction in Direction.objects.only("pk", "code", "name_fr", "name_en").order_by("code")
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("declared_from"), data.get("declared_to")
        if start and end and start > end:
            self.add_error("declared_to", _("La fin de la période précède son début."))
        return data

    def criteria(self) -> Criteria:
        """The criteria of the valid parts (an unbound form: every incident, newest first)."""
        if not self.is_bound:
            return Criteria()
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        urgent = {YES: True, NO: False}.get(data.get("urgent") or "")
        return Criteria(
            text=data.get("q") or "",
            person=data.get("person") or "",
            person_role=data.get("person_role") or PERSON_ANY,
            platform=data.get("platform") or "",
            category=data.get("category") or "",
            level=data.get("level") or "",
            status=data.get("status") or "",
            direction_id=data.get("direction"),
            urgent=urgent,
            overdue=bool(data.get("overdue")),
            declared_from=data.get("declared_from"),
            declared_to=data.get("declared_to"),
            sort=data.get("sort") or DEFAULT_SORT,
        )

    @property
    def has_filters(self) -> bool:
        return self.is_bound and any(value for name, value in self.data.items() if name not in ("sort", "page"))
