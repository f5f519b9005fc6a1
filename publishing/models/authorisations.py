"""Disclosure authorisation requests (§6.2 of policy 10 974).

Staff "ne doivent pas divulguer d'information confidentielle sans l'obtention d'une autorisation de la
Direction des communications et de l'accès à l'information ou de la Direction générale". A request is
never edited after a decision: a change is a new request that points to the one it replaces.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.workflow import EventBase

from .files import StoredFile


class AuthorisationCounter(models.Model):
    """One row per year, locked while a reference is allocated (as incidents' reference counter)."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("compteur des autorisations")
        verbose_name_plural = _("compteurs des autorisations")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class AuthorisationRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("En attente de décision")
        QUESTION = "question", _("Question au demandeur")
        AUTHORISED = "authorised", _("Autorisée")
        REFUSED = "refused", _("Refusée")

    class DecidedAs(models.TextChoices):
        DCAI = "dcai", _("Direction des communications et de l'accès à l'information")
        GENERAL = "general", _("Direction générale")

    DECIDED = (Status.AUTHORISED, Status.REFUSED)

    reference = models.CharField(_("référence"), max_length=20, unique=True, editable=False)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("demandeur"), on_delete=models.PROTECT, related_name="+"
    )
    # The requester's direction when asking: the lists filter on it.
    direction = models.ForeignKey(
        "portal.Direction",
        verbose_name=_("direction"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject = models.TextField(_("ce qui serait divulgué"), max_length=3000)
    medium = models.CharField(_("où (plateforme ou média)"), max_length=200)
    audience = models.CharField(_("public visé"), max_length=200)
    purpose = models.TextField(_("pourquoi"), max_length=3000)
    wanted_until = models.DateField(_("jusqu'au"))
    draft_text = models.TextField(_("texte prévu"), max_length=10000, blank=True)
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("remplace la demande"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    status = models.CharField(_("statut"), max_length=12, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("décision de"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_as = models.CharField(_("au nom de"), max_length=10, choices=DecidedAs.choices, blank=True)
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    conditions = models.TextField(_("conditions"), max_length=3000, blank=True)
    valid_until = models.DateField(_("autorisée jusqu'au"), null=True, blank=True)
    refusal_reason = models.TextField(_("motif du refus"), max_length=3000, blank=True)
    created_at = models.DateTimeField(_("demandée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("demande d'autorisation de divulgation")
        verbose_name_plural = _("demandes d'autorisation de divulgation")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["requester", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="authorised") | (Q(valid_until__isnull=False) & Q(decided_at__isnull=False)),
                name="authorisation_has_end_date",
                violation_error_message=_("Une autorisation exige une date de fin."),
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | (~Q(refusal_reason="") & Q(decided_at__isnull=False)),
                name="authorisation_refusal_has_reason",
                violation_error_message=_("Un refus exige un motif."),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("publishing:authorisation", args=[self.pk])

    @property
    def is_decided(self) -> bool:
        return self.status in self.DECIDED


class AuthorisationEvent(EventBase):
    """One step of a request: submitted, question, answer, decision. The question and the answer are the
    event's note; the requester sees every step (nothing internal is kept here)."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Demande soumise")
        QUESTION = "question", _("Question posée")
        ANSWER = "answer", _("Réponse du demandeur")
        AUTHORISED = "authorised", _("Autorisée")
        REFUSED = "refused", _("Refusée")

    request = models.ForeignKey(AuthorisationRequest, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)

    class Meta(EventBase.Meta):
        verbose_name = _("étape d'une demande d'autorisation")
        verbose_name_plural = _("étapes des demandes d'autorisation")

    def __str__(self) -> str:
        return f"{self.request_id} {self.action}"


class AuthorisationAttachment(StoredFile):
    """A draft attachment of a request (same hygiene as incident evidence)."""

    request = models.ForeignKey(AuthorisationRequest, on_delete=models.PROTECT, related_name="attachments")

    class Meta(StoredFile.Meta):
        verbose_name = _("pièce jointe d'une demande d'autorisation")
        verbose_name_plural = _("pièces jointes des demandes d'autorisation")

    def get_absolute_url(self) -> str:
        return reverse("publishing:authorisation_file", args=[self.request_id, self.pk])
