"""Forms of campaign pages: they parse input; the services check and write."""

import copy
from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from policies.models import PolicyVersion
from portal.models import Direction, StaffProfile

from .models import Campaign
from .selectors import STATUS_LABELS, versions_open_to_campaigns

STATUS_CHOICES = [("", _("Tous les statuts")), *STATUS_LABELS.items()]


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    version = forms.ModelChoiceField(
        label=_("Version de la politique"),
        queryset=PolicyVersion.objects.none(),
        help_text=_("Seules les versions en vigueur qui exigent une prise de connaissance sont proposées."),
    )
    audience = forms.ChoiceField(
        label=_("Public"),
        # The "previous version" audience is prepared by the portal when a version comes into force.
        choices=[(v, label) for v, label in Campaign.Audience.choices if v != Campaign.Audience.PREVIOUS],
        widget=forms.RadioSelect,
        initial=Campaign.Audience.INSTITUTION,
    )
    directions = forms.ModelMultipleChoiceField(
        label=_("Directions"),
        queryset=Direction.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Public ciblé : les intervenants de ces directions (toutes si aucune n'est cochée)."),
    )
    categories = forms.MultipleChoiceField(
        label=_("Catégories d'intervenants"),
        choices=StaffProfile.Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Public ciblé : seulement ces catégories (toutes si aucune n'est cochée)."),
    )
    due_on = forms.DateField(label=_("Échéance"), widget=forms.DateInput(attrs={"type": "date"}))
    reminder_every_days = forms.IntegerField(label=_("Rappel tous les (jours)"), min_value=1, max_value=90, initial=7)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = versions_open_to_campaigns()
        if not self.is_bound:
            self.fields["due_on"].initial = timezone.localdate() + timedelta(days=30)
            version = self.fields["version"].queryset.first()
            if version is not None:
                self.fields["version"].initial = version.pk
                # Stored as typed, in the institution's language like every title HR writes.
                with translation.override(settings.LANGUAGE_CODE):
                    self.fields["title"].initial = str(
                        _("Prise de connaissance – politique %(version)s") % {"version": version}
                    )


class AcknowledgeForm(forms.Form):
    attestation = forms.BooleanField(required=True)
    text_hash = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, version: PolicyVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.statement = attestation_statement(version)
        self.fields["attestation"].label = self.statement
        self.fields["attestation"].error_messages["required"] = _("Cochez l'attestation pour confirmer.")


def attestation_statement(version: PolicyVersion) -> str:
    return str(
        _("J'atteste avoir lu la politique %(number)s, version %(label)s, et je m'engage à la respecter.")
        % {"number": version.policy.display_number, "label": version.label}
    )


class PeopleFilterForm(forms.Form):
    direction = forms.TypedChoiceField(label=_("Direction"), required=False, coerce=int, empty_value=None)
    manager = forms.TypedChoiceField(label=_("Gestionnaire"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Statut"), choices=STATUS_CHOICES, required=False)

    def __init__(self, *args, directions: list[tuple[int, str]], managers: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["direction"].choices = [("", _("Toutes les directions")), *directions]
        self.fields["manager"].choices = [("", _("Tous les gestionnaires")), *managers]


class DraftSettingsForm(forms.Form):
    """§7.5: what HR may still change on a draft (a prepared campaign first of all) before launching it."""

    title = forms.CharField(label=_("Titre"), max_length=200)
    due_on = forms.DateField(label=_("Échéance"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reminder_every_days = forms.IntegerField(label=_("Rappel tous les (jours)"), min_value=1, max_value=90)

    def __init__(self, *args, campaign: Campaign | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # A draft HR created may change its audience; a prepared one keeps everyone who confirmed before.
        if campaign is not None and campaign.audience != Campaign.Audience.PREVIOUS:
            for name in ("audience", "directions", "categories"):
                self.fields[name] = copy.deepcopy(CampaignForm.base_fields[name])
            if not self.is_bound:
                self.initial.update(
                    audience=campaign.audience,
                    directions=[d.pk for d in campaign.directions.all()],
                    categories=list(campaign.categories),
                )
