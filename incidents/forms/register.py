"""Forms of the confidentiality-incident register. They parse input; the rules on the eight items are
in RegisterEntry.clean() (run by the ModelForm) and the services decide who may write."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from ..models import RegisterEntry
from ..services.register import EDITABLE_FIELDS
from .fields import DateInput

MAX_TEXT = 5000

# The eight items of the regulations, in their order, with the fields that answer each one.
ITEMS: list[tuple[str, str, tuple[str, ...]]] = [
    ("", _("Régime"), ("regime",)),
    (
        "1",
        _("Renseignements visés"),
        ("information_description", "information_not_described_reason"),
    ),
    ("2", _("Circonstances"), ("circumstances",)),
    (
        "3",
        _("Date ou période de l'incident"),
        ("incident_start", "incident_end", "incident_date_approximate", "incident_date_note"),
    ),
    ("4", _("Date ou période de la prise de connaissance"), ("learned_start", "learned_end")),
    (
        "5",
        _("Personnes concernées"),
        ("persons_count", "persons_count_approximate", "persons_in_quebec"),
    ),
    (
        "6",
        _("Évaluation du risque de préjudice sérieux"),
        (
            "risk_sensitivity",
            "risk_malicious_uses",
            "risk_consequences",
            "risk_likelihood",
            "serious_injury_risk",
            "risk_conclusion_reason",
        ),
    ),
    (
        "7",
        _("Avis transmis (lorsque le risque existe)"),
        (
            "minister_notified_on",
            "cai_notified_on",
            "persons_notified_on",
            "notices_pending_reason",
            "public_notice",
            "public_notice_reason",
        ),
    ),
    ("8", _("Mesures prises pour diminuer les risques"), ("measures",)),
]

HELP = {
    "information_not_described_reason": _("Seulement si les renseignements ne peuvent être décrits."),
    "incident_end": _("Laissez vide s'il s'agit d'une seule date."),
    "incident_date_note": _("Par exemple : « semaine du 3 mars, date exacte inconnue »."),
    "learned_start": _("Par défaut, la date de la déclaration de l'incident."),
    "persons_in_quebec": _("Utile pour les avis ; ne peut dépasser le nombre total."),
    "minister_notified_on": _("Seulement pour les renseignements de santé (R-22.1)."),
    "notices_pending_reason": _(
        "Si un risque est conclu mais que les avis ne sont pas (encore) transmis : pourquoi."
    ),
}


class RiskChoice(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            choices=[("1", _("Oui, il existe un risque de préjudice sérieux")), ("0", _("Non"))],
            coerce=lambda value: value == "1",
            widget=forms.RadioSelect,
            **kwargs,
        )


class RegisterEntryForm(forms.ModelForm):
    serious_injury_risk = RiskChoice(label=_("Conclusion : risque de préjudice sérieux ?"))

    class Meta:
        model = RegisterEntry
        fields = list(EDITABLE_FIELDS)
        widgets = {
            "regime": forms.RadioSelect,
            **{
                name: DateInput()
                for name in (
                    "incident_start",
                    "incident_end",
                    "learned_start",
                    "learned_end",
                    "minister_notified_on",
                    "cai_notified_on",
                    "persons_notified_on",
                )
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regime"].choices = RegisterEntry.Regime.choices  # radios without a blank
        if self.instance.pk:
            self.initial["serious_injury_risk"] = "1" if self.instance.serious_injury_risk else "0"
        for name, field in self.fields.items():
            if name in HELP:
                field.help_text = HELP[name]
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.update(rows=3, maxlength=MAX_TEXT)
                field.validators.append(MaxLengthValidator(MAX_TEXT))
            if isinstance(field, forms.IntegerField):
                field.widget.attrs.setdefault("min", 0)

    def items(self):
        """The bound fields grouped by item of the regulation, for the template."""
        return [(number, title, [self[name] for name in fields]) for number, title, fields in ITEMS]

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}


class RegisterFilterForm(forms.Form):
    regime = forms.ChoiceField(
        label=_("Régime"),
        required=False,
        choices=[("", _("Tous")), *RegisterEntry.Regime.choices],
    )
    risk = forms.ChoiceField(
        label=_("Risque de préjudice sérieux"),
        required=False,
        choices=[("", _("Tous")), ("oui", _("Oui")), ("non", _("Non"))],
    )
    year = forms.TypedChoiceField(
        label=_("Année de connaissance"), required=False, coerce=int, empty_value=None, choices=[]
    )

    def __init__(self, *args, years: list[int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("Toutes")), *[(str(y), str(y)) for y in (years or [])]]

    def apply(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data.get("regime"):
            queryset = queryset.filter(regime=data["regime"])
        if data.get("risk"):
            queryset = queryset.filter(serious_injury_risk=data["risk"] == "oui")
        if data.get("year"):
            queryset = queryset.filter(learned_start__year=data["year"])
        return queryset
