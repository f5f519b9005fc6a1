"""The declaration form (§7.7); its "Intervenant concerné" is the portal's person picker (portal.people)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import StaffProfile
from portal.people.fields import PersonWidget
from portal.people.resolve import PERSON_CHOICE, find_person, person_choice_value
from portal.people.scopes import PickerScope, picker_scope

from ..models import Incident
from .fields import EvidenceField, LocalDateTimeInput, evidence_help_text, not_future

MAX_TEXT = 5000
MAX_LINKS = 10
STAFF_OPTIONS_ID = "concerned-staff-options"
CONCERNED_SCOPE = "incidents.concerned"

# What picking a suggestion puts in the field: "Alice Martin (DSP #12)" (portal.people.resolve).
STAFF_CHOICE = PERSON_CHOICE
staff_choice_value = person_choice_value

CONCERNED_MESSAGES = {
    "required": _("Nommez l'intervenant concerné (nom complet ou matricule)."),
    "self": _("Vous ne pouvez pas vous nommer comme personne concernée."),
}


@picker_scope(CONCERNED_SCOPE)
def concerned_scope(user) -> PickerScope:
    """§7.7: any staff member may name any active colleague as concerned, never themself; no employee
    number is shown (docs/rules.md, "Staff suggestions")."""
    return PickerScope(excludes_chooser=True)


def find_staff(text: str, *, exclude_user=None) -> StaffProfile:
    """The person named as concerned: a suggestion, an employee number or an unambiguous full name."""
    return find_person(text, exclude_user=exclude_user, messages=CONCERNED_MESSAGES)


class DeclarationForm(forms.ModelForm):
    concerned_staff_name = forms.CharField(
        label=_("Intervenant concerné"),
        required=False,
        max_length=200,
        # Suggestions while typing (htmx fills the datalist); without JavaScript the field works as typed.
        widget=PersonWidget(
            scope=CONCERNED_SCOPE, options_id=STAFF_OPTIONS_ID, search_url=reverse_lazy("incidents:staff_search")
        ),
        help_text=_(
            "Nom complet ou matricule ; dès trois caractères, des intervenants actifs vous sont proposés. "
            "Cette personne ne verra jamais la déclaration."
        ),
    )
    evidence = EvidenceField()

    class Meta:
        model = Incident
        fields = [
            "description",
            "platform",
            "links",
            "seen_at",
            "category",
            "patient_info_exposed",
            "still_online",
            "concerned_kind",
            "route_choice",
            "route_reason",
            "confidential_declarer",
        ]
        labels = {
            "description": _("Qu'avez-vous vu ?"),
            "links": _("Lien(s) vers le contenu"),
            "seen_at": _("Quand l'avez-vous vu ?"),
            "category": _("De quoi s'agit-il ?"),
            "patient_info_exposed": _("Des renseignements personnels d'un usager sont peut-être exposés"),
            "still_online": _("Le contenu est-il toujours en ligne ?"),
            "concerned_kind": _("Qui est concerné ?"),
            "route_choice": _("À qui envoyer la déclaration ?"),
            "route_reason": _("Pourquoi l'envoyer directement à ce niveau ?"),
            "confidential_declarer": _("Je souhaite que mon identité soit visible par la DCAI seulement"),
        }
        help_texts = {
            "description": _("Décrivez le contenu en quelques phrases, sans recopier de renseignements personnels."),
            "links": _("Une adresse par ligne (facultatif)."),
            "route_reason": _(
                "Obligatoire si vous ne passez pas par votre gestionnaire "
                "(par exemple, votre gestionnaire est concerné)."
            ),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4, "maxlength": MAX_TEXT}),
            "links": forms.Textarea(attrs={"rows": 2, "inputmode": "url"}),
            "seen_at": LocalDateTimeInput(),
            "still_online": forms.RadioSelect,
            "concerned_kind": forms.RadioSelect,
            "route_choice": forms.RadioSelect,
            "route_reason": forms.Textarea(attrs={"rows": 2, "maxlength": 2000}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["seen_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["evidence"].help_text = evidence_help_text()
        self.fields["platform"].choices = [("", _("Choisissez…")), *Incident.Platform.choices]
        self.fields["category"].choices = [("", _("Choisissez…")), *Incident.Category.choices]
        self.fields["concerned_kind"].choices = Incident.Concerned.choices  # radio buttons: no blank choice
        self.fields["still_online"].choices = Incident.StillOnline.choices
        self.fields["route_choice"].choices = Incident.RouteChoice.choices
        self.fields["still_online"].initial = Incident.StillOnline.UNKNOWN
        self.fields["route_choice"].initial = Incident.RouteChoice.NORMAL

    def clean_description(self):
        value = self.cleaned_data["description"].strip()
        if len(value) > MAX_TEXT:
            raise ValidationError(_("Au plus %(max)d caractères.") % {"max": MAX_TEXT})
        return value

    def clean_links(self):
        lines = [line.strip() for line in self.cleaned_data.get("links", "").splitlines() if line.strip()]
        if len(lines) > MAX_LINKS:
            raise ValidationError(_("Au plus %(max)d liens.") % {"max": MAX_LINKS})
        validate = URLValidator(schemes=["http", "https"])
        for line in lines:
            try:
                validate(line)
            except ValidationError:
                raise ValidationError(
                    _("« %(link)s » n'est pas une adresse web (http ou https).") % {"link": line[:100]}
                ) from None
        return "\n".join(lines)

    def clean_seen_at(self):
        return not_future(self.cleaned_data["seen_at"])

    def clean(self):
        data = super().clean()
        if data.get("concerned_kind") == Incident.Concerned.STAFF:
            try:
                data["concerned_staff"] = find_staff(data.get("concerned_staff_name", ""), exclude_user=self.user)
            except ValidationError as error:
                self.add_error("concerned_staff_name", error)
        else:
            data["concerned_staff"] = None
        route = data.get("route_choice")
        if route and route != Incident.RouteChoice.NORMAL and not (data.get("route_reason") or "").strip():
            self.add_error("route_reason", _("Indiquez pourquoi la déclaration doit aller directement à ce niveau."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "description": data["description"],
            "platform": data["platform"],
            "links": data.get("links", ""),
            "seen_at": data["seen_at"],
            "category": data["category"],
            "patient_info_exposed": data.get("patient_info_exposed", False),
            "still_online": data.get("still_online") or Incident.StillOnline.UNKNOWN,
            "concerned_kind": data["concerned_kind"],
            "concerned_staff": data.get("concerned_staff"),
            "route_choice": data["route_choice"],
            "route_reason": data.get("route_reason", ""),
            "confidential_declarer": data.get("confidential_declarer", False),
            "evidence": data.get("evidence") or [],
        }
