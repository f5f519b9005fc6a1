"""The moderation journal's forms: they parse input; moderation.services decides."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incidents.evidence import IMAGE_TYPES, clean_upload

from .models import JournalEntry


class JournalEntryForm(forms.Form):
    account = forms.ModelChoiceField(label=_("Compte officiel"), queryset=None, empty_label=None)
    action = forms.ChoiceField(label=_("Action"), choices=JournalEntry.Action.choices, widget=forms.RadioSelect)
    moderated_on = forms.DateField(
        label=_("Date de la modération"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    # Radio buttons: each rule is read whole, also on a phone (a select would cut it).
    rule_number = forms.TypedChoiceField(
        label=_("Règle de la nétiquette enfreinte"), coerce=int, widget=forms.RadioSelect
    )
    screenshot = forms.FileField(
        label=_("Capture d'écran du commentaire"),
        help_text=_("Image (PNG, JPEG, WEBP) : vérifiée par son contenu, ses métadonnées retirées."),
    )
    note = forms.CharField(
        label=_("Note (facultative)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, accounts, rules, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts
        self.fields["rule_number"].choices = [(r.number, f"{r.number}. {r.text}") for r in rules]
        self.fields["moderated_on"].initial = timezone.localdate()
        self.fields["screenshot"].widget.attrs["accept"] = ",".join(sorted(IMAGE_TYPES))

    def clean_screenshot(self):
        upload = self.cleaned_data["screenshot"]
        clean = clean_upload(upload)  # ValidationError with a clear message when refused
        if clean.content_type not in IMAGE_TYPES:
            raise forms.ValidationError(_("Joignez une capture d'écran (image), pas un autre type de fichier."))
        return clean


class JournalFilterForm(forms.Form):
    account = forms.ModelChoiceField(label=_("Compte"), queryset=None, required=False, empty_label=_("Tous"))

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts

    def apply(self, entries):
        if self.is_valid() and self.cleaned_data.get("account"):
            return entries.filter(account=self.cleaned_data["account"])
        return entries
