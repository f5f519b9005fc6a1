"""The forms of intake: the declaration without a name (the staff form, cut), the receipt look-up and
the reporter's answer. Each carries a honeypot field a person never sees (`website`)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from incidents import evidence
from incidents.forms import DeclarationForm, EvidenceField
from incidents.models import Incident

HONEYPOT = "website"
MAX_CONTACT = 300


def intake_evidence_help() -> str:
    """The staff form's help text, with the smaller file count of these paths."""
    return _(
        "PNG, JPEG, WEBP, GIF ou PDF ; au plus %(count)d fichiers de %(size)s chacun. "
        "Les métadonnées (position, appareil) sont retirées ; un PDF est gardé comme images de ses pages."
    ) % {"count": int(settings.INTAKE_MAX_FILES), "size": filesizeformat(evidence.limits()["max_bytes"])}


class HoneypotMixin(forms.Form):
    website = forms.CharField(
        label=_("Laissez ce champ vide"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_bot(self) -> bool:
        return bool((self.data.get(HONEYPOT) or "").strip())


class IntakeEvidenceField(EvidenceField):
    """The staff evidence field (same sanitising), with the smaller count of the public paths."""

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        if len([f for f in files if f]) > int(settings.INTAKE_MAX_FILES):
            raise ValidationError(_("Au plus %(count)d fichiers.") % {"count": int(settings.INTAKE_MAX_FILES)})
        return super().clean(data, initial)


class IntakeDeclarationForm(HoneypotMixin, DeclarationForm):
    """What happened, where, when, who is concerned, evidence: the staff form without routing choices.

    `public=True` (the page without an account): no staff name field (the public cannot search the staff
    directory) and optional contact details instead.
    """

    evidence = IntakeEvidenceField()
    contact = forms.CharField(
        label=_("Vos coordonnées (facultatif)"),
        required=False,
        max_length=MAX_CONTACT,
        help_text=_(
            "Nom, courriel ou téléphone, si vous acceptez que la DCAI vous joigne. "
            "Laissez vide pour rester anonyme : vous suivrez votre signalement avec votre code de reçu."
        ),
    )

    # Nothing to choose about routing or confidentiality: it goes to DCAI and names nobody.
    NOT_ASKED = ("route_choice", "route_reason", "confidential_declarer")

    def __init__(self, *args, public: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.NOT_ASKED:
            del self.fields[name]
        self.public = public
        self.fields["evidence"].help_text = intake_evidence_help()
        if public:
            del self.fields["concerned_staff_name"]
            self.fields["concerned_kind"].choices = [
                choice for choice in Incident.Concerned.choices if choice[0] != Incident.Concerned.STAFF
            ]
            self.fields["description"].label = _("Qu'avez-vous vu ?")
        else:
            del self.fields["contact"]
            # No suggestions while typing: each would be a signed-in request, logged with its user id,
            # seconds before the declaration. The name is typed in full (or the employee number).
            attrs = self.fields["concerned_staff_name"].widget.attrs
            for name in [key for key in attrs if key.startswith("hx-") or key == "list"]:
                del attrs[name]
            self.fields["concerned_staff_name"].help_text = _(
                "Nom complet ou matricule. Cette personne ne verra jamais la déclaration."
            )

    def clean_contact(self):
        return " ".join((self.cleaned_data.get("contact") or "").split())

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {
            "description": data["description"],
            "platform": data["platform"],
            "links": data.get("links", ""),
            "seen_at": data["seen_at"],
            "category": data["category"],
            "patient_info_exposed": data.get("patient_info_exposed", False),
            "still_online": data.get("still_online") or Incident.StillOnline.UNKNOWN,
            "concerned_kind": data["concerned_kind"],
            "concerned_staff": data.get("concerned_staff"),
            "evidence": data.get("evidence") or [],
        }
        if self.public:
            kwargs["source"] = Incident.Source.EXTERNAL
            kwargs["contact"] = data.get("contact", "")
        else:
            kwargs["source"] = Incident.Source.ANONYMOUS
        return kwargs


class LookupForm(HoneypotMixin, forms.Form):
    code = forms.CharField(
        label=_("Votre code de reçu"),
        max_length=40,
        help_text=_("Les 16 chiffres reçus à l'envoi de votre signalement."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}),
    )


class FollowForm(HoneypotMixin, forms.Form):
    """The reporter's answer to DCAI's question, or new evidence, sent from the follow page."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=500)
    answer = forms.CharField(
        label=_("Votre réponse"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    evidence = IntakeEvidenceField(label=_("Preuves supplémentaires"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].help_text = intake_evidence_help()

    def clean(self):
        data = super().clean()
        if not (data.get("answer") or "").strip() and not data.get("evidence") and not self.errors:
            raise ValidationError(_("Écrivez une réponse ou joignez un fichier."))
        return data
