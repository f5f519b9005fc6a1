"""The audit trail of reads of sensitive data (Quebec privacy law; docs/rules.md, "Audit").

One row per read of incident content, evidence, register entries, register exports, the copy for the
Commission, staff exports and personal-data exports, whatever the path (page, admin, export, API).
Rows are only ever added:

- the application offers no way to change or delete them (no service, the admin is read-only);
- on PostgreSQL a trigger refuses every UPDATE but the sealing (an empty `chain_hash` given its value, all
  else unchanged), TRUNCATE (outside declared maintenance) and DELETE of a row younger than the legal
  minimum of the register (migration 0002); the retention job deletes only older rows, oldest first;
- the sealing job gives each row the SHA-256 of its content chained to the previous row (`chain_hash`), so
  an edit, an insertion or a removal is found by `manage.py verify_audit` on every engine.

`portal/` never imports the apps above it, so the subject is named by type, id and reference, not by a
foreign key; `incident_id` lets DCAI search by incident.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditRecord(models.Model):
    class Kind(models.TextChoices):
        INCIDENT_VIEW = "incident_view", _("Consultation d'un incident")
        EVIDENCE_DOWNLOAD = "evidence_download", _("Téléchargement d'une preuve")
        REGISTER_VIEW = "register_view", _("Consultation d'une inscription au registre")
        REGISTER_EXPORT = "register_export", _("Exportation du registre")
        COMMISSION_COPY = "commission_copy", _("Copie du registre pour la Commission")
        STAFF_EXPORT = "staff_export", _("Exportation de données du personnel")
        PERSONAL_DATA_EXPORT = "personal_data_export", _("Exportation des renseignements personnels")
        MODERATION_VIEW = "moderation_view", _("Consultation du journal de modération")
        AUDIT_EXPORT = "audit_export", _("Exportation du journal d'audit")
        PUBLISHING_VIEW = "publishing_view", _("Consultation d'une demande d'autorisation ou d'un consentement")
        PUBLISHING_DOWNLOAD = "publishing_download", _("Téléchargement d'une pièce d'autorisation ou de consentement")

    class Channel(models.TextChoices):
        PAGE = "page", _("Page")
        ADMIN = "admin", _("Administration")
        EXPORT = "export", _("Exportation")
        API = "api", _("API")
        ANONYMOUS = "anonymous", _("Déclaration anonyme")

    at = models.DateTimeField(_("le"), db_index=True)
    # Null when the reader is not identified or must not be (anonymous intake): then no address either.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("personne"), max_length=200, blank=True)
    kind = models.CharField(_("accès"), max_length=30, choices=Kind.choices)
    channel = models.CharField(_("par le canal"), max_length=12, choices=Channel.choices)
    object_type = models.CharField(_("type d'objet"), max_length=40, blank=True)
    object_id = models.CharField(_("identifiant"), max_length=40, blank=True)
    reference = models.CharField(_("référence"), max_length=60, blank=True)
    incident_id = models.BigIntegerField(_("incident"), null=True, blank=True, db_index=True)
    client_ip = models.GenericIPAddressField(_("adresse"), null=True, blank=True)
    request_id = models.CharField(_("requête"), max_length=64, blank=True)
    detail = models.JSONField(_("précisions"), default=dict, blank=True)
    # Empty until the sealing job chains the row to the previous one (portal.audit.chain.seal_pending).
    chain_hash = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("accès audité")
        verbose_name_plural = _("journal d'audit")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["actor", "at"], name="audit_actor_at"),
            models.Index(fields=["kind", "at"], name="audit_kind_at"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["chain_hash"], condition=~models.Q(chain_hash=""), name="audit_chain_hash_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.reference}"


class AuditChainHead(models.Model):
    """The one row that serialises the sealing job and remembers the last sealed link of the chain.

    `anchor_hash` is the chain hash of the last row purged by retention: the oldest kept row must point
    to it, so a purge is told apart from a deletion.
    """

    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)
    anchor_hash = models.CharField(max_length=64)
    purged_through_id = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("tête de la chaîne d'audit")
        verbose_name_plural = _("tête de la chaîne d'audit")

    def __str__(self) -> str:
        return f"{self.last_id} {self.last_hash[:12]}"
