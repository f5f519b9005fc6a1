"""Forms of the authorisation and consent pages: they parse input; the services hold the rules."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from incidents.forms.fields import DateInput, EvidenceField, evidence_help_text
from portal.models import Direction
from portal.people.fields import PersonField, PersonWidget
from portal.people.resolve import find_person
from portal.people.scopes import PickerScope, picker_scope, scope_for
from portal.roles import roles_for
from portal.roster.models import OfficialAccount

from . import rules, selectors
from .models import AuthorisationRequest, Consent
from .services import AuthorisationData, ConsentData


class AuthorisationForm(forms.Form):
    subject = forms.CharField(
        label=_("Ce qui serait divulgué"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("L'information confidentielle visée par la section 6.2 de la politique."),
    )
    medium = forms.CharField(label=_("Où (plateforme ou média)"), max_length=200)
    audience = forms.CharField(label=_("Public visé"), max_length=200)
    purpose = forms.CharField(label=_("Pourquoi"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))
    wanted_until = forms.DateField(label=_("Jusqu'au"), widget=DateInput())
    draft_text = forms.CharField(
        label=_("Texte prévu"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 5})
    )
    attachments = EvidenceField(label=_("Pièces jointes (images, PDF)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = evidence_help_text()

    def to_data(self) -> AuthorisationData:
        d = self.cleaned_data
        return AuthorisationData(
            subject=d["subject"],
            medium=d["medium"],
            audience=d["audience"],
            purpose=d["purpose"],
            wanted_until=d["wanted_until"],
            draft_text=d["draft_text"],
        )


class QuestionForm(forms.Form):
    question = forms.CharField(label=_("Votre question"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Votre réponse"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))


class AuthoriseForm(forms.Form):
    valid_until = forms.DateField(label=_("Autorisée jusqu'au"), widget=DateInput())
    conditions = forms.CharField(
        label=_("Conditions"), required=False, max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )


class RefuseForm(forms.Form):
    refusal_reason = forms.CharField(
        label=_("Motif du refus"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )


def valid_filters(form: forms.Form) -> dict:
    """The valid filters only: a forged value is reported on the form and ignored."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return {k: v for k, v in getattr(form, "cleaned_data", {}).items() if v not in (None, "", False)}


def style_filters(form: forms.Form) -> None:
    for field in form.fields.values():
        if isinstance(field, forms.BooleanField):
            field.widget.attrs["class"] = "form-check-input"
        elif isinstance(field, forms.CharField):
            field.widget.input_type = "search"
            field.widget.attrs["class"] = "form-control form-control-sm"
        else:
            field.widget.attrs["class"] = "form-select form-select-sm"


class AuthorisationFilterForm(forms.Form):
    q = forms.CharField(label=_("Référence, demandeur ou média"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Statut"), required=False, choices=[("", _("Tous"))] + list(AuthorisationRequest.Status.choices)
    )
    direction = forms.ModelChoiceField(
        label=_("Direction"), required=False, queryset=Direction.objects.all(), empty_label=_("Toutes")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_filters(self)

    @property
    def filters(self) -> dict:
        return valid_filters(self)


class ConsentFilterForm(forms.Form):
    person = forms.CharField(label=_("Personne"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Statut"), required=False, choices=[("", _("Tous"))] + list(Consent.Status.choices)
    )
    account = forms.ModelChoiceField(
        label=_("Compte officiel"), required=False, queryset=OfficialAccount.objects.none(), empty_label=_("Tous")
    )
    expiring = forms.BooleanField(label=_("Échéance dans 30 jours"), required=False)

    def __init__(self, *args, accounts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts if accounts is not None else OfficialAccount.objects.none()
        style_filters(self)

    @property
    def filters(self) -> dict:
        return valid_filters(self)


COVER_CHOICES = [
    ("images", _("Images")),
    ("video", _("Vidéo")),
    ("name", _("Nom")),
    ("quotes", _("Citations")),
]


CONSENT_SCOPE = "publishing.consent"


@picker_scope(CONSENT_SCOPE)
def consent_scope(user) -> PickerScope | None:
    """§6.1: whoever records consents (rules.may_record_consent) names any active staff member; only
    DCAI sees employee numbers."""
    roles = roles_for(user)
    if not rules.may_record_consent(roles, selectors.run_account_ids(user)):
        return None
    return PickerScope(numbers_visible=roles.is_dcai)


class ConsentRecordForm(forms.Form):
    person_kind = forms.ChoiceField(label=_("Personne montrée ou nommée"), choices=Consent.PersonKind.choices)
    staff = forms.CharField(
        label=_("Intervenant"),
        required=False,
        max_length=200,
        widget=PersonWidget(scope=CONSENT_SCOPE),
        help_text=_(
            "Pour un intervenant : nom complet ou matricule ; dès trois caractères, des intervenants "
            "actifs vous sont proposés."
        ),
    )
    person_name = forms.CharField(
        label=_("Nom de la personne"),
        required=False,
        max_length=200,
        help_text=_("Pour un usager, un visiteur ou un membre des médias."),
    )
    covers = forms.MultipleChoiceField(
        label=_("Ce que couvre le consentement"), choices=COVER_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    accounts = forms.ModelMultipleChoiceField(
        label=_("Comptes officiels"), queryset=OfficialAccount.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    valid_from = forms.DateField(label=_("À partir du"), widget=DateInput())
    valid_until = forms.DateField(
        label=_("Jusqu'au"), required=False, widget=DateInput(), help_text=_("Vide : sans date de fin.")
    )
    collected_by = PersonField(
        scope=CONSENT_SCOPE,
        label=_("Recueilli par"),
        required=False,
        help_text=_(
            "Nom complet ou matricule ; dès trois caractères, des intervenants vous sont proposés. Vide : vous."
        ),
    )
    signed_form = EvidenceField(label=_("Formulaire signé (image ou PDF)"), required=True)

    def __init__(self, *args, accounts=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accounts"].queryset = accounts if accounts is not None else OfficialAccount.objects.none()
        self.fields["signed_form"].help_text = evidence_help_text()
        self.scope = scope_for(CONSENT_SCOPE, user) if user is not None else None
        if user is not None:
            self.fields["collected_by"].restrict_to(user)

    def clean(self):
        data = super().clean()
        data["staff_profile"] = None
        if data.get("person_kind") == Consent.PersonKind.STAFF:
            try:
                # The intervenant is named only when the person shown is staff: resolved here, not by the field.
                data["staff_profile"] = find_person(
                    data.get("staff", ""),
                    within=self.scope.people if self.scope is not None else None,
                    messages={"required": _("Nommez l'intervenant montré ou nommé (nom complet ou matricule).")},
                )
            except ValidationError as error:
                self.add_error("staff", error)
        collector = data.get("collected_by")
        data["collector"] = collector.user if collector is not None else None
        return data

    def to_data(self) -> ConsentData:
        d = self.cleaned_data
        return ConsentData(
            person_kind=d["person_kind"],
            staff_profile=d["staff_profile"],
            person_name=d.get("person_name", ""),
            covers=set(d["covers"]),
            accounts=list(d["accounts"]),
            valid_from=d["valid_from"],
            valid_until=d.get("valid_until"),
            collected_by=d["collector"],
        )


class WithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("Date du retrait"), widget=DateInput())
    channel = forms.ChoiceField(label=_("Comment le retrait a été communiqué"), choices=Consent.Channel.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class TakedownLinkForm(forms.Form):
    incident_reference = forms.CharField(
        label=_("Référence de l'incident"),
        max_length=20,
        help_text=_("INC-AAAA-NNNNN : sa demande de retrait la plus récente est liée."),
    )


class JournalLinkForm(forms.Form):
    entry_reference = forms.CharField(
        label=_("Inscription au journal de modération"), max_length=20, help_text=_("MOD-NNNNNN")
    )


class PublicationForm(forms.Form):
    account = forms.ModelChoiceField(label=_("Compte officiel"), queryset=OfficialAccount.objects.none())
    title = forms.CharField(
        label=_("Titre de la publication"), max_length=200, help_text=_("Quelques mots pour la retrouver.")
    )
    url = forms.URLField(label=_("Adresse"), required=False, max_length=300, assume_scheme="https")
    published_on = forms.DateField(label=_("Publiée le"), widget=DateInput())

    def __init__(self, *args, accounts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts if accounts is not None else OfficialAccount.objects.none()
