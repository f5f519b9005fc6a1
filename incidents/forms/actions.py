"""The forms of the actions on an incident page, and the queues' filters. They parse input; the services
decide (incidents.rules)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.people.fields import PersonField
from portal.people.scopes import PickerScope, picker_scope
from portal.roles import roles_for

from ..models import Incident, Measure, Takedown
from .fields import DateInput, EvidenceField, LocalDateTimeInput, evidence_help_text, not_future


def _text(label, *, rows=3, max_length=4000, required=True, help_text=""):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class RequestInformationForm(forms.Form):
    question = _text(_("Question au déclarant"), help_text=_("Le déclarant verra ce message."))


class AnswerForm(forms.Form):
    answer = _text(_("Votre réponse"))
    evidence = EvidenceField(label=_("Preuves supplémentaires"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].help_text = evidence_help_text()


class NoteForm(forms.Form):
    body = _text(_("Note interne"), help_text=_("Jamais visible par le déclarant."))


class MeasureForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type de mesure"), choices=Measure.Kind.choices)
    decided_by = forms.CharField(label=_("Décidée par"), max_length=200)
    decided_on = forms.DateField(label=_("Décidée le"), widget=DateInput())
    description = _text(_("Mesure prise"))

    def clean_decided_on(self):
        value = self.cleaned_data["decided_on"]
        if value > timezone.localdate():
            raise ValidationError(_("Cette date ne peut pas être dans le futur."))
        return value


class EscalateForm(forms.Form):
    assessment = _text(
        _("Votre évaluation"),
        rows=4,
        help_text=_("Ce que vous avez constaté et fait ; le niveau suivant la lira."),
    )


class CloseForm(forms.Form):
    NONE = "none"
    EREPUTATION_CHOICES = [
        ("takedown", _("Retrait demandé")),
        ("reply", _("Réponse publiée")),
        (NONE, _("Aucune")),
    ]
    outcome = forms.ChoiceField(label=_("Issue"), choices=Incident.Outcome.choices)
    reason = _text(_("Motif ou résumé"), required=False)
    ereputation = forms.MultipleChoiceField(
        label=_("Actions de e-réputation"),
        choices=EREPUTATION_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, level: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.level = level
        if level == Incident.Level.MANAGER:
            self.fields["outcome"].choices = [(Incident.Outcome.UNFOUNDED, Incident.Outcome.UNFOUNDED.label)]
            self.fields["reason"].required = True
            self.fields["reason"].label = _("Pourquoi l'incident est-il non fondé ?")
            del self.fields["ereputation"]
        else:
            self.fields["ereputation"].required = True

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Incident.Outcome.UNFOUNDED and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Expliquez pourquoi l'incident est non fondé."))
        actions = set(data.get("ereputation") or [])
        if self.NONE in actions and len(actions) > 1:
            self.add_error("ereputation", _("« Aucune » exclut les autres actions."))
        return data

    def service_kwargs(self) -> dict:
        actions = set(self.cleaned_data.get("ereputation") or [])
        return {
            "outcome": self.cleaned_data["outcome"],
            "reason": self.cleaned_data.get("reason", ""),
            "takedown_requested": "takedown" in actions,
            "reply_published": "reply" in actions,
        }


class TakedownForm(forms.Form):
    requested_to = forms.ChoiceField(
        label=_("Demandé à"), choices=Takedown.RequestedTo.choices, widget=forms.RadioSelect
    )
    details = forms.CharField(
        label=_("Précisions"),
        max_length=300,
        required=False,
        help_text=_("Par exemple : formulaire de signalement de la plateforme."),
    )
    # Most requests are recorded as they are made: now, to the minute, unless changed.
    requested_at = forms.DateTimeField(
        label=_("Demandé le"),
        widget=LocalDateTimeInput(),
        initial=lambda: timezone.localtime().replace(second=0, microsecond=0),
    )

    def clean_requested_at(self):
        return not_future(self.cleaned_data["requested_at"])


class TakedownRemovedForm(forms.Form):
    removed_seen_at = forms.DateTimeField(label=_("Constaté retiré le"), widget=LocalDateTimeInput())

    def clean_removed_seen_at(self):
        return not_future(self.cleaned_data["removed_seen_at"])


SHARE_SCOPE = "incidents.share"


@picker_scope(SHARE_SCOPE)
def share_scope(user) -> PickerScope | None:
    """§7.3: DCAI shares an incident with a named person; DCAI already sees employee numbers. Who may
    share a given incident, and never with the person concerned, stay the service's rules."""
    return PickerScope(numbers_visible=True, excludes_chooser=True) if roles_for(user).is_dcai else None


class ShareForm(forms.Form):
    person = PersonField(
        scope=SHARE_SCOPE,
        label=_("Personne désignée"),
        help_text=_(
            "Nom complet ou matricule de la personne (conseiller juridique, enquêteur) ; "
            "dès trois caractères, des intervenants actifs vous sont proposés."
        ),
        messages={
            "required": _("Nommez la personne avec qui partager l'incident."),
            "none": _("Aucun compte actif ne correspond à « %(text)s »."),
            "self": _("Vous voyez déjà l'incident : choisissez une autre personne."),
        },
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Bound to a request: only the people this person may share with are accepted (none without one).
        if user is not None:
            self.fields["person"].restrict_to(user)

    def clean_person(self):
        return self.cleaned_data["person"].user
