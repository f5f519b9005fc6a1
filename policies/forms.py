"""Forms of the DCAI pages: they parse input and check dates; the services write."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .dates import VersionDates, date_problems
from .importer.source import MAX_BYTES
from .importer.upload import read_upload
from .models import PolicyVersion
from .services import SectionData


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _add_date_problems(form: forms.Form, dates: VersionDates) -> None:
    for field, message in date_problems(dates).items():
        form.add_error(field if field in form.fields else None, message)


class DraftForm(forms.ModelForm):
    class Meta:
        model = PolicyVersion
        fields = [
            "label",
            "purpose",
            "issued_on",
            "revised_on",
            "next_review_on",
            "approving_body",
            "signatory",
            "change_summary",
            "requires_acknowledgement",
        ]
        widgets = {
            "issued_on": DateInput(),
            "revised_on": DateInput(),
            "next_review_on": DateInput(),
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "change_summary": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        data = super().clean()
        if not self.errors:
            _add_date_problems(
                self,
                VersionDates.of(self.instance).replace(
                    issued_on=data.get("issued_on"),
                    revised_on=data.get("revised_on"),
                    next_review_on=data.get("next_review_on"),
                ),
            )
        return data


class SectionForm(forms.Form):
    number = forms.CharField(label=_("Numéro"), max_length=20, required=False)
    title = forms.CharField(label=_("Titre"), max_length=300)
    body = forms.CharField(
        label=_("Texte"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Paragraphes séparés par une ligne vide ; « - » en début de ligne pour une puce ; "
            "**mots** en gras."
        ),
    )
    level = forms.TypedChoiceField(
        label=_("Niveau"),
        coerce=int,
        choices=[(1, _("Section")), (2, _("Sous-section")), (3, _("Sous-sous-section"))],
        initial=1,
    )
    is_annex = forms.BooleanField(label=_("Annexe"), required=False)

    def data_object(self) -> SectionData:
        d = self.cleaned_data
        return SectionData(d["number"], d["title"], d["body"], d["level"], d["is_annex"])


SectionFormSet = forms.formset_factory(SectionForm, extra=1, can_delete=True, can_order=True, max_num=300)


def section_initial(version: PolicyVersion) -> list[dict]:
    return [
        {"number": s.number, "title": s.title, "body": s.body, "level": s.level, "is_annex": s.is_annex}
        for s in version.sections.all()
    ]


def ordered_sections(formset) -> list[SectionData]:
    return [form.data_object() for form in formset.ordered_forms]


class NewDraftForm(forms.Form):
    label = forms.CharField(label=_("Libellé de la nouvelle version"), max_length=40)


class ApprovalForm(forms.Form):
    """§7.1: the board's adoption, with its date and resolution number."""

    approved_on = forms.DateField(label=_("Approuvée le"), widget=DateInput())
    resolution_number = forms.CharField(
        label=_("Numéro de résolution"), max_length=60, help_text=_("Par exemple RCA 2018-05-3008.")
    )
    approving_body = forms.CharField(label=_("Approuvée par"), max_length=200, required=False)
    signatory = forms.CharField(label=_("Signée par"), max_length=200, required=False)
    signed_on = forms.DateField(label=_("Signée le"), widget=DateInput(), required=False)

    def __init__(self, *args, version: PolicyVersion, **kwargs):
        self.version = version
        kwargs.setdefault(
            "initial",
            {
                "approved_on": version.approved_on,
                "resolution_number": version.resolution_number,
                "approving_body": version.approving_body,
                "signatory": version.signatory,
                "signed_on": version.signed_on,
            },
        )
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if not self.errors:
            _add_date_problems(
                self,
                VersionDates.of(self.version).replace(
                    approved_on=data.get("approved_on"),
                    signed_on=data.get("signed_on"),
                ),
            )
        return data


class PutInForceForm(forms.Form):
    effective_on = forms.DateField(label=_("En vigueur le"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, version: PolicyVersion, **kwargs):
        self.version = version
        kwargs.setdefault("initial", {"effective_on": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if not self.errors:
            _add_date_problems(
                self, VersionDates.of(self.version).replace(effective_on=data.get("effective_on"))
            )
        return data


class PlanReviewForm(forms.Form):
    """§7.3: the date of the next review of a version in force, and what the review (if any) concluded."""

    next_review_on = forms.DateField(label=_("Prochaine révision le"), widget=DateInput())
    note = forms.CharField(
        label=_("Note"),
        max_length=500,
        required=False,
        help_text=_("Par exemple : « Révisée le 2025-03-01 sans changement. »"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, version: PolicyVersion, **kwargs):
        self.version = version
        planned = version.next_review_on
        upcoming = planned if planned and planned > timezone.localdate() else None
        kwargs.setdefault("initial", {"next_review_on": upcoming})
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if not self.errors:
            _add_date_problems(self, VersionDates.of(self.version).replace(next_review_on=data.get("next_review_on")))
        return data


class PolicyUploadForm(forms.Form):
    """§7.3: a policy document for DCAI to preview, then import as a draft (policies.importer.upload)."""

    document = forms.FileField(
        label=_("Document de politique"),
        help_text=format_lazy(
            _("Le texte converti du PDF signé, en UTF-8 (.txt ou .md), {max} Ko au plus."), max=MAX_BYTES // 1024
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.md,text/plain,text/markdown"}),
    )
    accept_date_fix = forms.BooleanField(
        label=_("Enregistrer la correction proposée d'une date douteuse"),
        help_text=_("Sinon, une date douteuse reste vide et se saisit dans le brouillon."),
        required=False,
    )

    def clean_document(self):
        return read_upload(self.cleaned_data["document"])


class PolicyImportConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=4000)
