"""Service accounts, their tokens and the audit of every call (README, "API").

A token is shown once, when it is created; only its SHA-256 is kept. It has scopes, an expiry, and
can be revoked. Nothing here is ever deleted by a person: a token is revoked, an account deactivated,
and audit rows are removed only by the retention job after API_AUDIT_RETENTION_DAYS.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ServiceAccount(models.Model):
    """Another system of the institution (the HR system, BI, a publishing tool), never a person."""

    name = models.CharField(_("nom"), max_length=100, unique=True)
    description = models.TextField(_("description"), max_length=1000, blank=True)
    contact_email = models.EmailField(_("courriel du responsable"), blank=True)
    is_active = models.BooleanField(_("actif"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créé par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("compte de service")
        verbose_name_plural = _("comptes de service")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ApiToken(models.Model):
    """A secret that opens the API for one service account, within its scopes, until it expires.

    The token is `<prefix>_<key_id>_<secret>`: `key_id` finds the row, the SHA-256 of the whole token
    is compared in constant time. The token carries 256 random bits, so a fast hash is enough.
    """

    account = models.ForeignKey(
        ServiceAccount, verbose_name=_("compte de service"), on_delete=models.PROTECT, related_name="tokens"
    )
    label = models.CharField(_("libellé"), max_length=100, blank=True)
    key_id = models.CharField(_("identifiant"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(_("empreinte"), max_length=64, editable=False)
    scopes = models.JSONField(_("portées"), default=list)
    expires_at = models.DateTimeField(_("expire le"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créé par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("révoqué par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("dernier appel le"), null=True, blank=True)

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="apitoken_expires_after_creation",
                violation_error_message=_("Un jeton expire après sa création."),
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=models.F("created_at")),
                name="apitoken_revoked_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} · {self.key_id}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now=None) -> bool:
        return self.expires_at <= (now or timezone.now())

    def is_usable(self, now=None) -> bool:
        return not self.is_revoked and not self.is_expired(now) and self.account.is_active

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])


class ApiCall(models.Model):
    """One call to the API: which system (and token), for what scope, which endpoint, what answer.

    Written for every call, refused ones included (an unknown token keeps only the key id it showed).
    """

    at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)
    account = models.ForeignKey(
        ServiceAccount,
        verbose_name=_("compte de service"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calls",
    )
    token = models.ForeignKey(
        ApiToken, verbose_name=_("jeton"), null=True, blank=True, on_delete=models.PROTECT, related_name="calls"
    )
    presented_key_id = models.CharField(_("identifiant présenté"), max_length=16, blank=True)
    scope = models.CharField(_("portée exigée"), max_length=40, blank=True)
    method = models.CharField(_("méthode"), max_length=10)
    endpoint = models.CharField(_("point d'accès"), max_length=200)
    path = models.CharField(_("chemin"), max_length=300)
    status = models.PositiveSmallIntegerField(_("statut HTTP"))
    client_ip = models.GenericIPAddressField(_("adresse"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("durée (ms)"), default=0)

    class Meta:
        verbose_name = _("appel d'API")
        verbose_name_plural = _("appels d'API")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["account", "at"]), models.Index(fields=["token", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.method} {self.endpoint} {self.status}"
