"""Register completeness (Quebec privacy law; docs/rules.md, "Confidentiality-incident register").

An incident that may have exposed personal information is closed by DCAI only once it is in the register
or DCAI has recorded why it is not a confidentiality incident (`RegisterDecision`). A register entry with
a risk of serious injury is reminded until its notices are dated (`RegisterNoticeReminder`: one row per
reminder, numbered, so a reminder is never sent twice).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .incident import Incident
from .register import RegisterEntry


class RegisterDecision(models.Model):
    """DCAI's reasoned decision that an incident is not a confidentiality incident; never edited."""

    incident = models.OneToOneField(
        Incident, verbose_name=_("incident"), on_delete=models.PROTECT, related_name="register_decision"
    )
    reason = models.TextField(_("pourquoi ce n'est pas un incident de confidentialité"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("décidé par"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("décidé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("décision : pas un incident de confidentialité")
        verbose_name_plural = _("décisions : pas un incident de confidentialité")
        constraints = [models.CheckConstraint(condition=~models.Q(reason=""), name="register_decision_reason")]

    def __str__(self) -> str:
        return f"{self.incident_id} not a confidentiality incident"


class RegisterNoticeReminder(models.Model):
    """Reminder number N of an entry's missing notices, written once (the unique pair makes it idempotent)."""

    entry = models.ForeignKey(RegisterEntry, on_delete=models.PROTECT, related_name="notice_reminders")
    number = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField()

    class Meta:
        verbose_name = _("rappel d'avis du registre")
        verbose_name_plural = _("rappels d'avis du registre")
        ordering = ["entry", "number"]
        constraints = [models.UniqueConstraint(fields=["entry", "number"], name="register_reminder_once")]

    def __str__(self) -> str:
        return f"{self.entry_id} reminder {self.number}"
