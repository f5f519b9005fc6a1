"""Acknowledgement campaigns (§7.5: HR makes sure every user is informed; §7.6: managers follow up)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.workflow import EventBase


class Campaign(models.Model):
    class Audience(models.TextChoices):
        INSTITUTION = "institution", _("Toute l'institution")
        TARGETED = "targeted", _("Directions ou catégories choisies")
        # §7.5: a new version in force is confirmed again by everyone who confirmed the one it replaces.
        PREVIOUS = "previous", _("Personnes ayant confirmé la version précédente")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        LAUNCHING = "launching", _("Lancement en cours")
        LAUNCHED = "launched", _("Lancée")
        CLOSED = "closed", _("Fermée")

    version = models.ForeignKey(
        "policies.PolicyVersion",
        verbose_name=_("version"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    title = models.CharField(_("titre"), max_length=200)
    audience = models.CharField(
        _("public"), max_length=12, choices=Audience.choices, default=Audience.INSTITUTION
    )
    # A targeted audience is the staff of the chosen directions (if any) in the chosen categories (if any).
    directions = models.ManyToManyField(
        "portal.Direction", verbose_name=_("directions"), blank=True, related_name="+"
    )
    categories = models.JSONField(_("catégories"), default=list, blank=True)
    # The "previous version" audience: active staff who confirmed this version.
    previous_version = models.ForeignKey(
        "policies.PolicyVersion",
        verbose_name=_("version précédente"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField(_("échéance"))
    reminder_every_days = models.PositiveSmallIntegerField(
        _("rappel tous les (jours)"), default=7, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    # Standing campaign that receives new staff when no open campaign of the version covers them.
    is_continuous = models.BooleanField(_("accueil des nouveaux intervenants"), default=False)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    launched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lancée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    launched_at = models.DateTimeField(_("lancée le"), null=True, blank=True)
    # Progress of the launch task, read by the polling fragment of the campaign page.
    launch_total = models.PositiveIntegerField(_("personnes visées"), default=0)
    launch_done = models.PositiveIntegerField(_("demandes créées"), default=0)
    launch_finished_at = models.DateTimeField(_("lancement terminé le"), null=True, blank=True)
    last_reminder_on = models.DateField(_("dernier rappel le"), null=True, blank=True)
    # Claimed once by the task that tells every manager who in their team has not confirmed.
    overdue_notices_sent_at = models.DateTimeField(
        _("avis aux gestionnaires envoyés le"), null=True, blank=True
    )
    closed_at = models.DateTimeField(_("fermée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("campagne de prise de connaissance")
        verbose_name_plural = _("campagnes de prise de connaissance")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "version"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(reminder_every_days__gte=1), name="campaign_reminder_rhythm_positive"
            ),
            models.CheckConstraint(
                condition=(Q(audience="previous") & Q(previous_version__isnull=False))
                | (~Q(audience="previous") & Q(previous_version__isnull=True)),
                name="campaign_previous_version_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} – {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("campaigns:detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"CAMP-{self.pk:04d}" if self.pk else "CAMP"

    @property
    def launch_percent(self) -> int:
        if not self.launch_total:
            return 100 if self.status == self.Status.LAUNCHED else 0
        return min(100, round(100 * self.launch_done / self.launch_total))


class CampaignEvent(EventBase):
    """One step in the life of a campaign (§7.5): who did what, when, from which status to which.

    Kept as long as the campaign (PROTECT). `actor` None is the portal itself (the launch task, the
    standing campaign that receives new staff).
    """

    class Action(models.TextChoices):
        CREATED = "created", _("Création")
        EDITED = "edited", _("Modification")
        LAUNCHED = "launched", _("Lancement")
        LAUNCH_FINISHED = "launch_finished", _("Lancement terminé")
        CLOSED = "closed", _("Fermeture")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)

    class Meta(EventBase.Meta):
        verbose_name = _("événement de campagne")
        verbose_name_plural = _("événements de campagne")

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.from_status or '-'} → {self.to_status}"

    @staticmethod
    def _label(status: str) -> str:
        return str(Campaign.Status(status).label) if status in Campaign.Status.values else status

    @property
    def from_label(self) -> str:
        return self._label(self.from_status) if self.from_status else ""

    @property
    def to_label(self) -> str:
        return self._label(self.to_status)


class AcknowledgementRequest(models.Model):
    """One person asked to confirm one version within a campaign (§7.5)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="requests")
    profile = models.ForeignKey(
        "portal.StaffProfile", on_delete=models.PROTECT, related_name="acknowledgement_requests"
    )
    created_at = models.DateTimeField(_("demandée le"), auto_now_add=True)
    # Usually the campaign's due date; later for staff enrolled after the launch.
    due_on = models.DateField(_("échéance"))
    notified_at = models.DateTimeField(_("avisée le"), null=True, blank=True)
    last_reminded_at = models.DateTimeField(_("dernier rappel le"), null=True, blank=True)
    satisfied_at = models.DateTimeField(_("confirmée le"), null=True, blank=True)
    # Local day of satisfied_at: the completion-over-time chart groups on a plain column.
    satisfied_on = models.DateField(_("jour de confirmation"), null=True, blank=True)
    acknowledgement = models.ForeignKey(
        "policies.Acknowledgement",
        null=True,
        blank=True,
        # An acknowledgement that satisfied a request can never be deleted.
        on_delete=models.PROTECT,
        related_name="requests",
    )

    class Meta:
        verbose_name = _("demande de prise de connaissance")
        verbose_name_plural = _("demandes de prise de connaissance")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "profile"], name="ackrequest_once_per_campaign"),
            models.CheckConstraint(
                condition=Q(satisfied_at__isnull=True, satisfied_on__isnull=True)
                | Q(satisfied_at__isnull=False, satisfied_on__isnull=False, acknowledgement__isnull=False),
                name="ackrequest_satisfied_by_acknowledgement",
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "satisfied_at", "due_on"], name="ackrequest_campaign_state"),
            models.Index(fields=["profile", "satisfied_at"], name="ackrequest_profile_open"),
            models.Index(fields=["campaign", "satisfied_on"], name="ackrequest_campaign_day"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.reference} – {self.profile_id}"

    def get_absolute_url(self) -> str:
        return reverse("campaigns:request", args=[self.pk])

    @property
    def is_satisfied(self) -> bool:
        return self.satisfied_at is not None


class ManagerFollowUp(models.Model):
    """Per campaign and manager: when they last reminded their team (rate limit, §7.6)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="follow_ups")
    manager = models.ForeignKey("portal.StaffProfile", on_delete=models.CASCADE, related_name="+")
    last_team_reminder_at = models.DateTimeField(null=True, blank=True)
    team_reminders_sent = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("suivi du gestionnaire")
        verbose_name_plural = _("suivis des gestionnaires")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "manager"], name="followup_once_per_manager")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} – {self.manager_id}"
