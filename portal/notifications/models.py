from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .kinds import kind_detail, kind_title


def email_message_id(local_part: str) -> str:
    """`<local_part@domain>`, the domain being the sender's (DEFAULT_FROM_EMAIL)."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(" >") or "localhost"
    return f"<{local_part}@{domain}>"


class Notification(models.Model):
    """Outbox row: written in the caller's transaction, delivered by email after commit.

    Email lifecycle: pending → sending (claimed by one worker) → sent; a transient SMTP error puts the
    row back to pending with `next_attempt_at`; after the last attempt it is failed. Reminders of a
    person who chose the daily digest wait in `digest` until the digest gathers them.
    """

    class EmailStatus(models.TextChoices):
        PENDING = "pending", _("À envoyer")
        SENDING = "sending", _("En cours d'envoi")
        SENT = "sent", _("Envoyé")
        DIGEST = "digest", _("Réservé au résumé quotidien")
        FAILED = "failed", _("Échec")
        SKIPPED = "skipped", _("Sans courriel")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("type"), max_length=60)
    urgent = models.BooleanField(_("urgent"), default=False)
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    target_id = models.CharField(max_length=40, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    # Reference and link are frozen at creation: an email never needs to read the object.
    reference = models.CharField(_("référence"), max_length=60, blank=True)
    link = models.CharField(_("lien"), max_length=300, blank=True)
    context = models.JSONField(_("contexte"), default=dict, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("lue le"), null=True, blank=True)
    email_status = models.CharField(
        _("statut du courriel"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    # Routed to the daily digest when written (reminder kind, person chose the digest, not urgent).
    digest = models.BooleanField(_("résumé quotidien"), default=False)
    claimed_at = models.DateTimeField(_("réservée le"), null=True, blank=True)
    # PostgreSQL: the server process of the connection that made the claim. When that connection is gone
    # (the worker died), the sweep releases the claim without waiting for the claim timeout.
    claim_backend = models.PositiveIntegerField(_("connexion de la réservation"), null=True, blank=True)
    # The sweep leaves a pending row alone until then (retry backoff, or already handed to a worker).
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_recent"),
            models.Index(fields=["email_status", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"

    @property
    def message_id(self) -> str:
        """The email's Message-ID, derived from the row: the same on every attempt, so a second copy sent
        after a lost "mark sent" is recognisable as the same message (portal.notifications.delivery)."""
        return email_message_id(f"notification.{self.pk}.{self.created_at:%Y%m%d%H%M%S%f}")

    @property
    def title(self) -> str:
        """The kind's title in the active language."""
        return kind_title(self.kind)

    @property
    def detail(self) -> str:
        """The kind's short detail line filled from the context (a date, a count), or ''."""
        return kind_detail(self.kind, self.context)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """How a person wants reminders by email: each one, or one daily digest. Urgent kinds ignore it."""

    class Reminders(models.TextChoices):
        EACH = "each", _("Un courriel pour chaque rappel")
        DIGEST = "digest", _("Un résumé quotidien des rappels")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    reminders = models.CharField(
        _("rappels par courriel"), max_length=10, choices=Reminders.choices, default=Reminders.EACH
    )
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("préférence de notification")
        verbose_name_plural = _("préférences de notification")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.reminders}"
