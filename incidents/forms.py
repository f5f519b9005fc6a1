"""Forms parse and check input; the services decide. Files are checked here by content."""

from __future__ import annotations

import re
from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Direction, StaffProfile

from . import evidence
from .models import Incident, Measure, Takedown

MAX_TEXT = 5000
MAX_LINKS = 10
STAFF_OPTIONS_ID = "concerned-staff-options"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several files in one input; each is checked by content and sanitised (evidence.clean_uploads)."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Preuves (captures d'écran, PDF)"))
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ",".join(sorted(evidence.ALLOWED_TYPES))

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        files = [super(EvidenceField, self).clean(f, initial) for f in files if f]
        return evidence.clean_uploads(files)


def evidence_help_text() -> str:
    limits = evidence.limits()
    return _(
        "PNG, JPEG, WEBP, GIF ou PDF ; au plus %(count)d fichiers de %(size)s chacun. "
        "Les métadonnées (position, appareil) sont retirées."
    ) % {"count": limits["max_files"], "size": filesizeformat(limits["max_bytes"])}


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _not_future(value):
    if value and value > timezone.now() + timedelta(minutes=5):
        raise ValidationError(_("Cette date ne peut pas être dans le futur."))
    return value


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
            "Nom complet ou matricule ; dès deux lettres, des intervenants actifs vous sont proposés. "
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
        return _not_future(self.cleaned_data["seen_at"])

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
    requested_at = forms.DateTimeField(label=_("Demandé le"), widget=LocalDateTimeInput())

    def clean_requested_at(self):
        return _not_future(self.cleaned_data["requested_at"])


class TakedownRemovedForm(forms.Form):
    removed_seen_at = forms.DateTimeField(label=_("Constaté retiré le"), widget=LocalDateTimeInput())

    def clean_removed_seen_at(self):
        return _not_future(self.cleaned_data["removed_seen_at"])


class ShareForm(forms.Form):
    person = forms.CharField(
        label=_("Personne désignée"),
        max_length=150,
        help_text=_("Matricule ou nom d'utilisateur de la personne (conseiller juridique, enquêteur)."),
    )

    def clean_person(self):
        text = self.cleaned_data["person"].strip()
        User = get_user_model()
        user = (
            User.objects.filter(is_active=True)
            .filter(Q(username__iexact=text) | Q(profile__employee_number__iexact=text))
            .first()
        )
        if user is None:
            raise ValidationError(_("Aucun compte actif ne correspond à « %(text)s ».") % {"text": text[:60]})
        return user


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Statut"), required=False, choices=[("", _("Tous"))] + Incident.Status.choices
    )
    category = forms.ChoiceField(
        label=_("Catégorie"), required=False, choices=[("", _("Toutes"))] + Incident.Category.choices
    )
    level = forms.ChoiceField(
        label=_("Niveau"), required=False, choices=[("", _("Tous"))] + Incident.Level.choices
    )
    date_from = forms.DateField(label=_("Déclaré du"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("au"), required=False, widget=DateInput())
    direction = forms.ModelChoiceField(
        label=_("Direction"), required=False, queryset=Direction.objects.none(), empty_label=_("Toutes")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["direction"].queryset = Direction.objects.order_by("code")

    def apply(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if data.get("category"):
            queryset = queryset.filter(category=data["category"])
        if data.get("level"):
            queryset = queryset.filter(level=data["level"])
        if data.get("date_from"):
            queryset = queryset.filter(created_at__date__gte=data["date_from"])
        if data.get("date_to"):
            queryset = queryset.filter(created_at__date__lte=data["date_to"])
        if data.get("direction"):
            queryset = queryset.filter(direction=data["direction"])
        return queryset
