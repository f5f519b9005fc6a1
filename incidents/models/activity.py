"""What happens to an incident: events, messages, notes, measures, takedowns, evidence, access log.

Nothing here is ever deleted by a user: rows only accumulate, and only the retention job
(`incidents.retention`) purges their text (docs/rules.md).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.workflow import EventBase

from .incident import Incident


class Event(EventBase):
    """One step in the life of an incident (`incidents.rules.INCIDENT_WORKFLOW`): the status before and
    after (from `EventBase`), the level before and after, why the routing chose it, and whether the
    declarer sees the step on their page."""

    class Reason(models.TextChoices):
        """Why the routing rules chose a level (incidents.routing)."""

        NORMAL = "normal", _("Gestionnaire du déclarant")
        NO_MANAGER = "no_manager", _("Aucun gestionnaire actif : acheminé à la direction")
        MANAGER_CONCERNED = "manager_concerned", _("Gestionnaire concerné : niveau gestionnaire sauté")
        HEAD_CONCERNED = (
            "head_concerned",
            _("Direction dirigée par la personne concernée : acheminé à la DCAI"),
        )
        DECLARER_CHOICE = "declarer_choice", _("Acheminement direct demandé par le déclarant")
        AUTHORIZED_USER = "authorized_user", _("Signalement d'un utilisateur autorisé (§6.3)")
        NO_DIRECTION = "no_direction", _("Aucune direction connue : acheminé à la DCAI")
        DIRECTION_IS_DCAI = "direction_is_dcai", _("La direction visée est la DCAI")
        DIRECTION_WITHOUT_LEAD = "direction_without_lead", _("Direction sans responsable disponible")
        ANONYMOUS = "anonymous", _("Déclaration anonyme : acheminée à la DCAI")
        EXTERNAL = "external", _("Signalement externe : acheminé à la DCAI")
        ESCALATED = "escalated", _("Niveau suivant")

    class Kind(models.TextChoices):
        DECLARED = "declared", _("Déclaration reçue")
        ROUTED = "routed", _("Acheminé")
        URGENT_ALERT = "urgent_alert", _("DCAI alertée (renseignements d'usager)")
        TAKEN_IN_CHARGE = "taken_in_charge", _("Pris en charge")
        INFORMATION_REQUESTED = "information_requested", _("Information demandée au déclarant")
        INFORMATION_PROVIDED = "information_provided", _("Information fournie par le déclarant")
        NOTE_ADDED = "note_added", _("Note interne ajoutée")
        MEASURE_RECORDED = "measure_recorded", _("Mesure consignée")
        ESCALATED = "escalated", _("Transmis au niveau suivant")
        ESCALATED_OVERDUE = "escalated_overdue", _("Transmis automatiquement (délai dépassé)")
        OVERDUE = "overdue", _("Délai dépassé")
        CLOSED = "closed", _("Fermé")
        REOPENED = "reopened", _("Réouvert")
        TAKEDOWN_REQUESTED = "takedown_requested", _("Retrait demandé")
        TAKEDOWN_REMOVED = "takedown_removed", _("Contenu constaté retiré")
        SHARED = "shared", _("Partagé avec une personne désignée")
        UNSHARED = "unshared", _("Partage retiré")
        EVIDENCE_ADDED = "evidence_added", _("Preuve ajoutée")
        REGISTERED = "registered", _("Inscrit au registre des incidents de confidentialité")
        REGISTER_UPDATED = "register_updated", _("Inscription au registre modifiée")
        NOT_A_CONFIDENTIALITY_INCIDENT = "not_confidentiality", _("Pas un incident de confidentialité (motif consigné)")
        RETENTION_PURGED = "retention_purged", _("Textes et preuves épurés (délai de conservation échu)")

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    from_level = models.CharField(
        _("niveau avant"), max_length=10, choices=Incident.Level.choices, blank=True
    )
    to_level = models.CharField(_("niveau après"), max_length=10, choices=Incident.Level.choices, blank=True)
    reason = models.CharField(_("motif d'acheminement"), max_length=30, choices=Reason.choices, blank=True)
    visible_to_declarer = models.BooleanField(_("visible par le déclarant"), default=False)
    # A closure's outcome, kept on its event: a reopening clears the incident's closing fields, the
    # history keeps each closure (the "reopened" event carries the outcome it undid).
    outcome = models.CharField(_("issue"), max_length=10, choices=Incident.Outcome.choices, blank=True)

    class Meta(EventBase.Meta):
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        indexes = [models.Index(fields=["incident", "created_at"], name="event_incident_created_at")]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.kind}"


class Message(models.Model):
    """What the declarer may read: requests for information and their answers (§7.7)."""

    class Kind(models.TextChoices):
        REQUEST = "request", _("Demande d'information")
        ANSWER = "answer", _("Réponse du déclarant")

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="messages")
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    # Empty for the answer of an anonymous or external declarer (given with their receipt, intake/).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("niveau"), max_length=10, choices=Incident.Level.choices)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(_("répondue le"), null=True, blank=True)

    class Meta:
        verbose_name = _("message au déclarant")
        verbose_name_plural = _("messages au déclarant")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="request") | Q(answered_at__isnull=True),
                name="message_only_requests_answered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.kind}"


class InternalNote(models.Model):
    """Handlers only; never shown to the declarer."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("niveau"), max_length=10, choices=Incident.Level.choices)
    body = models.TextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("note interne")
        verbose_name_plural = _("notes internes")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.incident_id} note {self.pk}"


class Measure(models.Model):
    """An administrative or disciplinary measure taken (§7.4, §7.6)."""

    class Kind(models.TextChoices):
        ADMINISTRATIVE = "administrative", _("Administrative")
        DISCIPLINARY = "disciplinary", _("Disciplinaire")

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="measures")
    kind = models.CharField(_("type de mesure"), max_length=20, choices=Kind.choices)
    decided_by = models.CharField(_("décidée par"), max_length=200)
    decided_on = models.DateField(_("décidée le"))
    description = models.TextField(_("description"))
    level = models.CharField(_("niveau"), max_length=10, choices=Incident.Level.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mesure")
        verbose_name_plural = _("mesures")
        ordering = ["decided_on", "id"]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.kind}"


class Takedown(models.Model):
    """DCAI's follow-up of the removal of the offending content (§7.3 e-reputation)."""

    class RequestedTo(models.TextChoices):
        PLATFORM = "platform", _("La plateforme")
        AUTHOR = "author", _("L'auteur")

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="takedowns")
    requested_to = models.CharField(_("demandé à"), max_length=10, choices=RequestedTo.choices)
    details = models.CharField(_("précisions"), max_length=300, blank=True)
    requested_at = models.DateTimeField(_("demandé le"))
    removed_seen_at = models.DateTimeField(_("constaté retiré le"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("demande de retrait")
        verbose_name_plural = _("demandes de retrait")
        ordering = ["requested_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(removed_seen_at__isnull=True) | Q(removed_seen_at__gte=F("requested_at")),
                name="takedown_removed_after_request",
                violation_error_message=_("Le retrait ne peut précéder la demande."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} takedown {self.pk}"


class Evidence(models.Model):
    """A sanitised file kept in private storage, only served by an access-checked view."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="evidence")
    stored_name = models.CharField(max_length=200, unique=True, editable=False)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveBigIntegerField(_("taille (octets)"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    # Empty for a file from an anonymous or external declarer.
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("preuve")
        verbose_name_plural = _("preuves")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("incidents:evidence", args=[self.incident_id, self.pk])

    @property
    def has_thumbnail(self) -> bool:
        """Images and PDFs show a small picture on the incident page (incidents.evidence.thumbnails)."""
        from ..evidence import has_thumbnail

        return has_thumbnail(self.content_type)


class AccessLog(models.Model):
    """Every view of an incident and every download of its evidence, for DCAI's audit."""

    class Action(models.TextChoices):
        VIEW = "view", _("Consultation")
        DOWNLOAD = "download", _("Téléchargement")

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="access_log")
    evidence = models.ForeignKey(Evidence, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("journal des consultations")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["incident", "at"], name="accesslog_incident_at")]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.action} {self.user_id}"
