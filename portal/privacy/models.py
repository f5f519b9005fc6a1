"""Requests of a staff member about their personal information (Quebec privacy law, Law 25: access and
rectification; an answer within 30 days). Kept by DCAI (§7.3, access to information)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

# The law gives the institution 30 days to answer an access or rectification request.
ANSWER_DAYS = 30


class PersonalDataRequest(models.Model):
    class Kind(models.TextChoices):
        ACCESS = "access", _("Accès")
        RECTIFICATION = "rectification", _("Rectification")

    profile = models.ForeignKey(
        "portal.StaffProfile", verbose_name=_("personne"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("type de demande"), max_length=15, choices=Kind.choices)
    received_on = models.DateField(_("reçue le"))
    due_on = models.DateField(_("réponse due le"), editable=False)
    details = models.TextField(_("objet de la demande"))
    answered_on = models.DateField(_("répondue le"), null=True, blank=True)
    answer = models.TextField(_("réponse"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("consignée par"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("consignée le"), auto_now_add=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("répondue par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("demande relative aux renseignements personnels")
        verbose_name_plural = _("demandes relatives aux renseignements personnels")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=F("received_on")), name="privacy_due_after_received"),
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True) | (~Q(answer="") & Q(answered_on__gte=F("received_on"))),
                name="privacy_answer_with_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.profile_id} {self.received_on}"

    @property
    def reference(self) -> str:
        return f"RP-{self.pk:05d}" if self.pk else ""
