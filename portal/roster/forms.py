"""Forms of the roster pages. They parse input; the rules live in the services (validate_period)."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.actions import errors_to_form
from portal.dates import add_years
from portal.models import Direction, StaffProfile
from portal.people.fields import PersonField
from portal.people.scopes import PickerScope, picker_scope
from portal.roles import roles_for

from . import rules
from .models import PERIOD_YEARS, Designation, OfficialAccount
from .services import AccountData, DesignationData, validate_period


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


DESIGNATION_SCOPE = "roster.designation"


@picker_scope(DESIGNATION_SCOPE)
def designation_scope(user) -> PickerScope | None:
    """§7.4: a direction lead names the active staff of the directions they designate for
    (`rules.designatable_direction_ids`); the roster already shows them employee numbers."""
    roles = roles_for(user)
    if not roles.is_direction_lead:
        return None
    people = StaffProfile.objects.filter(
        direction_id__in=rules.designatable_direction_ids(roles), is_active=True, user__is_active=True
    )
    return PickerScope(people=people, numbers_visible=True)


class _PeriodForm(forms.Form):
    accounts = forms.ModelMultipleChoiceField(
        label=_("Comptes officiels"),
        queryset=OfficialAccount.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Les comptes sur lesquels la personne pourra agir au nom du CHUM."),
    )
    role = forms.ChoiceField(label=_("Rôle"), choices=Designation.Role.choices)
    justification = forms.CharField(
        label=_("Justification"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Pourquoi cette personne doit agir sur ces comptes (§7.4)."),
    )
    start_date = forms.DateField(label=_("Date de début"), widget=DateInput())
    end_date = forms.DateField(
        label=_("Date de fin"), widget=DateInput(), help_text=_("Au plus un an après la date de début.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accounts"].queryset = OfficialAccount.objects.filter(is_active=True).order_by("platform", "handle")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end:
            try:
                validate_period(start_date=start, end_date=end)
            except ValidationError as error:
                errors_to_form(self, error)
        return cleaned

    def to_data(self) -> DesignationData:
        c = self.cleaned_data
        return DesignationData(
            accounts=list(c["accounts"]),
            role=c["role"],
            justification=c["justification"],
            start_date=c["start_date"],
            end_date=c["end_date"],
        )


class DesignationForm(_PeriodForm):
    """§7.4: the head or a delegate designates a staff member of their own direction."""

    profile = PersonField(
        scope=DESIGNATION_SCOPE,
        label=_("Intervenant"),
        help_text=_(
            "Nom complet ou matricule d'un intervenant de votre direction ; "
            "dès trois caractères, des intervenants vous sont proposés."
        ),
        messages={
            "required": _("Nommez l'intervenant à désigner (nom complet ou matricule)."),
            "outside": _(
                "%(name)s ne fait pas partie d'une direction pour laquelle vous désignez : une direction "
                "désigne ses propres intervenants (section 7.4)."
            ),
        },
    )
    field_order = ["profile", "accounts", "role", "justification", "start_date", "end_date"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only staff of the directions this person designates for: anyone else is refused with a message.
        self.fields["profile"].restrict_to(user)
        today = timezone.localdate()
        self.fields["start_date"].initial = today
        self.fields["end_date"].initial = add_years(today, PERIOD_YEARS)


class RenewalForm(_PeriodForm):
    """A new period for the same person, prefilled from the previous designation."""

    def __init__(self, *args, previous: Designation, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        start = max(today, previous.end_date + datetime.timedelta(days=1))
        self.fields["start_date"].initial = start
        self.fields["end_date"].initial = add_years(start, PERIOD_YEARS)
        self.fields["role"].initial = previous.role
        self.fields["justification"].initial = previous.justification
        self.fields["accounts"].initial = [a.pk for a in previous.accounts.all() if a.is_active]


class ConfirmForm(forms.Form):
    comment = forms.CharField(
        label=_("Commentaire (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RefuseForm(forms.Form):
    comment = forms.CharField(label=_("Raison du refus"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de la révocation"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AccountForm(forms.Form):
    platform = forms.ChoiceField(label=_("Plateforme"), choices=OfficialAccount.Platform.choices)
    handle = forms.CharField(label=_("Nom du compte"), max_length=120)
    url = forms.URLField(label=_("Adresse"), max_length=300, assume_scheme="https")
    direction = forms.ModelChoiceField(label=_("Direction responsable"), queryset=Direction.objects.order_by("code"))
    is_active = forms.BooleanField(label=_("Actif"), required=False, initial=True)

    @classmethod
    def initial_for(cls, account: OfficialAccount) -> dict:
        return {
            "platform": account.platform,
            "handle": account.handle,
            "url": account.url,
            "direction": account.direction_id,
            "is_active": account.is_active,
        }

    def to_data(self) -> AccountData:
        c = self.cleaned_data
        return AccountData(
            platform=c["platform"],
            handle=c["handle"],
            url=c["url"],
            direction=c["direction"],
            is_active=c["is_active"],
        )


class RosterFilterForm(forms.Form):
    q = forms.CharField(label=_("Nom ou matricule"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Statut"), required=False, choices=[("", _("Tous"))] + list(Designation.Status.choices)
    )
    direction = forms.ModelChoiceField(
        label=_("Direction"), required=False, queryset=Direction.objects.none(), empty_label=_("Toutes")
    )
    platform = forms.ChoiceField(
        label=_("Plateforme"),
        required=False,
        choices=[("", _("Toutes"))] + list(OfficialAccount.Platform.choices),
    )
    account = forms.ModelChoiceField(
        label=_("Compte"), required=False, queryset=OfficialAccount.objects.none(), empty_label=_("Tous")
    )
    expiring = forms.BooleanField(label=_("Échéance dans 30 jours"), required=False)

    def __init__(self, *args, directions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["direction"].queryset = (
            directions if directions is not None else Direction.objects.all()
        ).order_by("code")
        self.fields["account"].queryset = OfficialAccount.objects.order_by("platform", "handle")
        for name, field in self.fields.items():
            if name == "expiring":
                field.widget.attrs["class"] = "form-check-input"
            elif name == "q":
                field.widget.input_type = "search"
                field.widget.attrs["class"] = "form-control form-control-sm"
            else:
                field.widget.attrs["class"] = "form-select form-select-sm"

    @property
    def filters(self) -> dict:
        """The valid filters only: a forged value is reported on the form and ignored."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v not in (None, "", False)}
