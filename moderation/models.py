"""The moderation journal of the official accounts (annex 1, the netiquette; docs/rules.md).

The netiquette says the institution may refuse or remove any comment that breaks its rules. Each
comment hidden or removed on an official account is one entry: which account, when, which rule of the
annex (the version in force, its text copied so the entry still reads the same after a new version),
a sanitised screenshot and an optional note. Entries are never edited nor deleted: a correction is a new
entry that points to the one it corrects (`corrects`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class JournalEntry(models.Model):
    class Action(models.TextChoices):
        HIDDEN = "hidden", _("Commentaire masqué")
        REMOVED = "removed", _("Commentaire supprimé")

    account = models.ForeignKey(
        "roster.OfficialAccount", verbose_name=_("compte officiel"), on_delete=models.PROTECT, related_name="+"
    )
    # Copied from the account: an account's platform may be corrected later, the entry stays as recorded.
    platform = models.CharField(_("plateforme"), max_length=20)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    moderated_on = models.DateField(_("date de la modération"))
    policy_version = models.ForeignKey(
        "policies.PolicyVersion",
        verbose_name=_("version de la politique"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    rule_number = models.PositiveSmallIntegerField(_("règle de la nétiquette"))
    rule_text = models.TextField(_("texte de la règle"))
    note = models.TextField(_("note"), blank=True)
    # The screenshot, sanitised like incident evidence (incidents.evidence) and kept in private storage.
    screenshot_name = models.CharField(max_length=200, unique=True, editable=False)
    screenshot_original_name = models.CharField(_("nom du fichier"), max_length=255)
    screenshot_type = models.CharField(_("type"), max_length=50)
    screenshot_size = models.PositiveBigIntegerField(_("taille (octets)"))
    screenshot_sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrige l'inscription"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("inscrite par"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("inscrite le"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("inscription au journal de modération")
        verbose_name_plural = _("journal de modération")
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["account", "recorded_at"], name="journal_account_recorded")]
        constraints = [
            models.CheckConstraint(condition=Q(rule_number__gte=1), name="journal_rule_number_positive"),
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | ~Q(corrects=F("id")), name="journal_not_its_own_correction"
            ),
        ]

    def __str__(self) -> str:
        return f"MOD-{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("moderation:entry", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"MOD-{self.pk:06d}" if self.pk else ""
