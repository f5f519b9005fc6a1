"""Official accounts and the authorized-user roster (§6.3, §7.3, §7.4 of policy 10 974).

A designation is never deleted: every change is a status with an event row (who, when, from, to).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.choices import QuickChoiceLabels
from portal.dates import AddYears
from portal.workflow import EventBase

# A designation lasts at most a year (docs/rules.md): the end date is at most `add_years(start, 1)`
# (29 February -> 28 February). The services check it with `portal.dates.add_years`, the database
# with the same rule as an expression (`AddYears`).
PERIOD_YEARS = 1


class OfficialAccount(QuickChoiceLabels, models.Model):
    """An official social-media account of the institution, run by DCAI (§7.3)."""

    class Platform(models.TextChoices):
        FACEBOOK = "facebook", "Facebook"
        INSTAGRAM = "instagram", "Instagram"
        X = "x", "X"
        LINKEDIN = "linkedin", "LinkedIn"
        TIKTOK = "tiktok", "TikTok"
        YOUTUBE = "youtube", "YouTube"
        OTHER = "other", _("Autre")

    platform = models.CharField(_("plateforme"), max_length=20, choices=Platform.choices)
    handle = models.CharField(_("nom du compte"), max_length=120)
    url = models.URLField(_("adresse"), max_length=300)
    direction = models.ForeignKey(
        "portal.Direction",
        verbose_name=_("direction responsable"),
        on_delete=models.PROTECT,
        related_name="official_accounts",
    )
    is_active = models.BooleanField(_("actif"), default=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("compte officiel")
        verbose_name_plural = _("comptes officiels")
        ordering = ["platform", "handle"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "handle"],
                name="officialaccount_unique_handle",
                violation_error_message=_("Ce compte existe déjà pour cette plateforme."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} · {self.handle}"


class Designation(QuickChoiceLabels, models.Model):
    """A staff member allowed by their direction to act on named official accounts (§6.3, §7.4)."""

    class Role(models.TextChoices):
        PUBLISHER = "publisher", _("Publication")
        MODERATOR = "moderator", _("Modération")
        ANALYST = "analyst", _("Analyse")

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente de confirmation")
        ACTIVE = "active", _("Active")
        REFUSED = "refused", _("Refusée")
        EXPIRED = "expired", _("Échue")
        REVOKED = "revoked", _("Révoquée")

    OPEN_STATUSES = (Status.PENDING, Status.ACTIVE)

    profile = models.ForeignKey(
        "portal.StaffProfile",
        verbose_name=_("intervenant"),
        on_delete=models.PROTECT,
        related_name="designations",
    )
    direction = models.ForeignKey(
        "portal.Direction",
        verbose_name=_("direction qui désigne"),
        on_delete=models.PROTECT,
        related_name="designations",
    )
    accounts = models.ManyToManyField(
        OfficialAccount,
        verbose_name=_("comptes officiels"),
        related_name="designations",
        through="DesignationAccount",
    )
    role = models.CharField(_("rôle"), max_length=12, choices=Role.choices)
    justification = models.TextField(_("justification"), max_length=2000)
    start_date = models.DateField(_("date de début"))
    end_date = models.DateField(_("date de fin"))
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.PENDING)
    designated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("désignée par"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("décision de"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    decision_comment = models.TextField(_("commentaire de la DCAI"), max_length=2000, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("révoquée par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("révoquée le"), null=True, blank=True)
    revocation_reason = models.TextField(_("motif de la révocation"), max_length=2000, blank=True)
    renewal_of = models.ForeignKey(
        "self",
        verbose_name=_("renouvellement de"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewals",
    )
    renewal_requested_at = models.DateTimeField(_("renouvellement demandé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("désignation d'utilisateur autorisé")
        verbose_name_plural = _("désignations d'utilisateurs autorisés")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "end_date"]),
            models.Index(fields=["direction", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="designation_end_after_start",
                violation_error_message=_("La date de fin doit suivre la date de début."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__lte=AddYears(F("start_date"), PERIOD_YEARS)),
                name="designation_at_most_one_year",
                violation_error_message=_("Une désignation dure au plus un an."),
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(decision_comment=""),
                name="designation_refusal_has_comment",
                violation_error_message=_("Un refus exige un commentaire."),
            ),
            models.CheckConstraint(
                condition=~Q(status="revoked") | (~Q(revocation_reason="") & Q(revoked_at__isnull=False)),
                name="designation_revocation_has_reason",
                violation_error_message=_("Une révocation exige un motif."),
            ),
            # A designation has at most one live renewal.
            models.UniqueConstraint(
                fields=["renewal_of"],
                condition=Q(status__in=["pending", "active"]),
                name="designation_one_live_renewal",
                violation_error_message=_("Un renouvellement est déjà en cours pour cette désignation."),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("roster:designation", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"UA-{self.pk:06d}" if self.pk else "UA-?"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def is_current(self, today: datetime.date) -> bool:
        """Confirmed and within its period: the person may act on the accounts today."""
        return self.status == self.Status.ACTIVE and self.start_date <= today <= self.end_date


def designation_in_force(day: datetime.date, prefix: str = "") -> Q:
    """§6.3: a confirmed designation of an active person, started and not over on `day`; `prefix` reaches a
    designation from another model ("designation__")."""
    return Q(
        **{
            f"{prefix}status": Designation.Status.ACTIVE,
            f"{prefix}start_date__lte": day,
            f"{prefix}end_date__gte": day,
            f"{prefix}profile__is_active": True,
        }
    )


class DesignationAccount(models.Model):
    """Which accounts a designation names. Rows are kept: an account in use cannot be deleted."""

    designation = models.ForeignKey(Designation, on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey(
        OfficialAccount, on_delete=models.PROTECT, related_name="+", db_column="officialaccount_id"
    )

    class Meta:
        # The table of the first, automatic version of this link: same rows, same columns.
        db_table = "roster_designation_accounts"
        verbose_name = _("compte de la désignation")
        verbose_name_plural = _("comptes de la désignation")
        unique_together = [("designation", "account")]

    def __str__(self) -> str:
        return f"{self.designation_id} → {self.account_id}"


class DesignationEvent(EventBase):
    """One step in the life of a designation: who did what, when, from which status to which."""

    class Action(models.TextChoices):
        CREATED = "created", _("Désignation soumise")
        RENEWAL_CREATED = "renewal_created", _("Renouvellement soumis")
        CONFIRMED = "confirmed", _("Confirmée par la DCAI")
        REFUSED = "refused", _("Refusée par la DCAI")
        REVOKED = "revoked", _("Révoquée")
        EXPIRED = "expired", _("Échue")
        RENEWAL_REQUESTED = "renewal_requested", _("Renouvellement demandé à la direction")
        ACKNOWLEDGEMENT_REMINDER = "acknowledgement_reminder", _("Rappel de prise de connaissance")

    designation = models.ForeignKey(Designation, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)

    class Meta(EventBase.Meta):
        verbose_name = _("événement de désignation")
        verbose_name_plural = _("événements de désignation")
        indexes = [models.Index(fields=["designation", "action", "created_at"])]

    def __str__(self) -> str:
        return f"{self.designation_id} {self.action} {self.created_at:%Y-%m-%d}"

    @property
    def from_status_label(self) -> str:
        return _status_label(self.from_status)

    @property
    def to_status_label(self) -> str:
        return _status_label(self.to_status)


def _status_label(status: str) -> str:
    return str(Designation.Status(status).label) if status in Designation.Status.values else status
