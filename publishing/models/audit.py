"""Every read of a request, a consent or one of their files (portal rule: every read audited)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReadRecord(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", _("Consultation")
        DOWNLOAD = "download", _("Téléchargement")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(_("objet"), max_length=30)
    object_id = models.PositiveBigIntegerField(_("identifiant"))
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations (publication)")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.subject} {self.object_id} {self.action} {self.user_id}"
