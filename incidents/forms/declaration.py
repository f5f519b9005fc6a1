"""The declaration form (§7.7) and the one place a typed or picked name becomes a staff member."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import StaffProfile

from ..models import Incident
from .fields import EvidenceField, LocalDateTimeInput, evidence_help_text, not_future

MAX_TEXT = 5000
MAX_LINKS = 10
STAFF_OPTIONS_ID = "concerned-staff-options"


# What picking a suggestion puts in the field: "Alice Martin (DSP #12)", the profile's id after the
# direction's code. Unambiguous without showing an employee number; checked again on submit.
STAFF_CHOICE = re.compile(r"^(?P<name>.+?) \((?P<code>[^()#]+) #(?P<pk>\d{1,10})\)$")


def staff_choice_value(profile: StaffProfile) -> str:
    return f"{profile.full_name} ({profile.direction.code} #{profile.pk})"


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def find_staff(text: str, *, exclude_user=None) -> StaffProfile:
    """A staff member picked from the suggestions, by employee number, or by full name when unambiguous.

    This is the only place a typed or picked value becomes a person: a picked value whose name or
    direction does not match the id it carries (forged, or the person left) is refused, never guessed.
    """
    text = " ".join((text or "").split())
    if not text:
        raise ValidationError(_("Nommez l'intervenant concerné (nom complet ou matricule)."))
    active = StaffProfile.objects.filter(is_active=True).select_related("user", "direction")
    choice = STAFF_CHOICE.match(text)
    match = list(active.filter(employee_number__iexact=text)[:2])
    if choice and not match:
        profile = active.filter(pk=int(choice["pk"]), user__is_active=True).first()
        if profile is None or not (
            _same(choice["name"], profile.full_name) and _same(choice["code"], profile.direction.code)
        ):
            raise ValidationError(
                _(
                    "« %(text)s » ne correspond à aucun intervenant actif : choisissez de nouveau "
                    "dans la liste, ou indiquez le nom complet ou le matricule."
                )
                % {"text": text[:100]}
            )
        match = [profile]
    if not match:
        first, _sep, last = text.partition(" ")
        query = Q(user__username__iexact=text)
        if last:
            query |= Q(user__first_name__iexact=first, user__last_name__iexact=last)
            query |= Q(user__last_name__iexact=first, user__first_name__iexact=last)
        match = list(active.filter(query)[:2])
    if not match:
        raise ValidationError(_("Aucun intervenant actif ne correspond à « %(text)s ».") % {"text": text})
    if len(match) > 1:
        raise ValidationError(_("Plusieurs intervenants correspondent : indiquez le matricule."))
    if exclude_user is not None and match[0].user_id == exclude_user.pk:
        raise ValidationError(_("Vous ne pouvez pas vous nommer comme personne concernée."))
    return match[0]


class DeclarationForm(forms.ModelForm):
    concerned_staff_name = forms.CharField(
        label=_("Intervenant concerné"),
        required=False,
        max_length=200,
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
            "description": _(
                "Décrivez le contenu en quelques phrases, sans recopier de renseignements personnels."
            ),
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
        # Suggestions while typing (htmx fills the datalist); without JavaScript the field works as typed.
        self.fields["concerned_staff_name"].widget.attrs.update(
            {
                "list": STAFF_OPTIONS_ID,
                "autocomplete": "off",
                "hx-get": reverse("incidents:staff_search"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": f"#{STAFF_OPTIONS_ID}",
                "hx-swap": "outerHTML",
                "hx-sync": "this:replace",
            }
        )
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
                data["concerned_staff"] = find_staff(
                    data.get("concerned_staff_name", ""), exclude_user=self.user
                )
            except ValidationError as error:
                self.add_error("concerned_staff_name", error)
        else:
            data["concerned_staff"] = None
        route = data.get("route_choice")
        if route and route != Incident.RouteChoice.NORMAL and not (data.get("route_reason") or "").strip():
            self.add_error(
                "route_reason", _("Indiquez pourquoi la déclaration doit aller directement à ce niveau.")
            )
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
