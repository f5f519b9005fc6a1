"""Consents for publication (§6.1 of policy 10 974).

No video, image or name of a patient, a visitor or a member of the media is published "sans avoir
obtenu, au préalable, l'autorisation de la personne concernée"; staff's personal information needs their
consent. A consent is never deleted nor edited: it is withdrawn (date, how it was communicated).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.workflow import EventBase

from .files import StoredFile


class Consent(models.Model):
    class PersonKind(models.TextChoices):
        PATIENT = "patient", _("Usager (patient)")
        VISITOR = "visitor", _("Visiteur")
        MEDIA = "media", _("Membre des médias")
        STAFF = "staff", _("Intervenant")

    class Status(models.TextChoices):
        ACTIVE = "active", _("En vigueur")
        WITHDRAWN = "withdrawn", _("Retiré")

    class Channel(models.TextChoices):
        IN_PERSON = "in_person", _("En personne")
        PHONE = "phone", _("Par téléphone")
        EMAIL = "email", _("Par courriel")
        LETTER = "letter", _("Par écrit (lettre, formulaire)")
        PORTAL = "portal", _("Dans le portail")

    person_kind = models.CharField(_("personne"), max_length=10, choices=PersonKind.choices)
    # A staff member is picked from the organisation; anyone else is typed in.
    staff_profile = models.ForeignKey(
        "portal.StaffProfile",
        verbose_name=_("intervenant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="publication_consents",
    )
    person_name = models.CharField(_("nom de la personne"), max_length=200)
    covers_images = models.BooleanField(_("images"), default=False)
    covers_video = models.BooleanField(_("vidéo"), default=False)
    covers_name = models.BooleanField(_("nom"), default=False)
    covers_quotes = models.BooleanField(_("citations"), default=False)
    accounts = models.ManyToManyField(
        "roster.OfficialAccount", verbose_name=_("comptes officiels"), related_name="+", through="ConsentAccount"
    )
    valid_from = models.DateField(_("à partir du"))
    valid_until = models.DateField(_("jusqu'au"), null=True, blank=True)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recueilli par"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("enregistré par"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    withdrawn_on = models.DateField(_("retiré le"), null=True, blank=True)
    withdrawal_channel = models.CharField(_("retrait communiqué"), max_length=10, choices=Channel.choices, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("retrait enregistré par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("consentement à la publication")
        verbose_name_plural = _("consentements à la publication")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "valid_until"]), models.Index(fields=["person_name"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="consent_ends_after_start",
                violation_error_message=_("La date de fin doit suivre la date de début."),
            ),
            models.CheckConstraint(
                condition=Q(person_kind="staff", staff_profile__isnull=False)
                | (~Q(person_kind="staff") & Q(staff_profile__isnull=True)),
                name="consent_staff_from_organisation",
                violation_error_message=_("Un intervenant est choisi dans l'organisation."),
            ),
            models.CheckConstraint(
                condition=Q(covers_images=True) | Q(covers_video=True) | Q(covers_name=True) | Q(covers_quotes=True),
                name="consent_covers_something",
                violation_error_message=_("Indiquez ce que couvre le consentement."),
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | (Q(withdrawn_on__isnull=False) & ~Q(withdrawal_channel="")),
                name="consent_withdrawal_is_dated",
                violation_error_message=_("Un retrait exige sa date et la façon dont il a été communiqué."),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("publishing:consent", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"CON-{self.pk:06d}" if self.pk else "CON-?"

    @property
    def covered_labels(self) -> list[str]:
        return [
            str(field.verbose_name)
            for field in (self._meta.get_field(f"covers_{n}") for n in ("images", "video", "name", "quotes"))
            if getattr(self, field.name)
        ]


class ConsentAccount(models.Model):
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey("roster.OfficialAccount", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("compte couvert")
        verbose_name_plural = _("comptes couverts")
        constraints = [models.UniqueConstraint(fields=["consent", "account"], name="consentaccount_unique")]

    def __str__(self) -> str:
        return f"{self.consent_id} → {self.account_id}"


class ConsentEvent(EventBase):
    class Action(models.TextChoices):
        RECORDED = "recorded", _("Consentement enregistré")
        WITHDRAWN = "withdrawn", _("Consentement retiré")

    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)

    class Meta(EventBase.Meta):
        verbose_name = _("étape d'un consentement")
        verbose_name_plural = _("étapes des consentements")

    def __str__(self) -> str:
        return f"{self.consent_id} {self.action}"


class ConsentForm(StoredFile):
    """The signed form, sanitised like incident evidence."""

    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="forms")

    class Meta(StoredFile.Meta):
        verbose_name = _("formulaire signé")
        verbose_name_plural = _("formulaires signés")

    def get_absolute_url(self) -> str:
        return reverse("publishing:consent_file", args=[self.consent_id, self.pk])
