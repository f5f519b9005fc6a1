"""The sign-in audit log and the administrator rights granted by a directory group.

Each sign-in, refusal, sign-out and password-reset request is one row: who (the account when known,
and the identifier that was used), when, how (method) and from which client address
(portal.clientip.client_ip). No password, token, code or state is ever stored (docs/rules.md, "Sign-in").
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.choices import QuickChoiceLabels


class SignInEvent(QuickChoiceLabels, models.Model):
    class Kind(models.TextChoices):
        SIGN_IN = "sign_in", _("Connexion")
        REFUSAL = "refusal", _("Refus")
        SIGN_OUT = "sign_out", _("Déconnexion")
        PASSWORD_RESET = "password_reset", _("Demande de réinitialisation")

    class Method(models.TextChoices):
        PASSWORD = "password", _("Mot de passe du portail")
        LDAP = "ldap", _("Annuaire (LDAP)")
        OIDC = "oidc", _("Compte de l'établissement (OpenID Connect)")
        SESSION = "session", _("Session")

    class Reason(models.TextChoices):
        NONE = "", _("—")
        BAD_CREDENTIALS = "bad_credentials", _("Identifiant ou mot de passe incorrect")
        LOCAL_LOGIN_NOT_ALLOWED = "local_login_not_allowed", _("Connexion locale non permise pour ce compte")
        LOCKED_OUT = "locked_out", _("Compte bloqué après trop d'échecs")
        TOO_SOON = "too_soon", _("Nouvel essai trop rapide")
        SPRAYING_LIMIT = "spraying_limit", _("Trop d'échecs sur le portail")
        UNKNOWN_PERSON = "unknown_person", _("Personne absente du portail")
        DEACTIVATED = "deactivated", _("Profil désactivé")
        DIRECTORY_UNAVAILABLE = "directory_unavailable", _("Annuaire injoignable")
        STATE_MISMATCH = "state_mismatch", _("Retour de connexion non reconnu (state)")
        NONCE_MISMATCH = "nonce_mismatch", _("Jeton d'une autre connexion (nonce)")
        TOKEN_EXPIRED = "token_expired", _("Jeton expiré")
        WRONG_ISSUER = "wrong_issuer", _("Jeton d'un autre émetteur")
        TOKEN_INVALID = "token_invalid", _("Jeton invalide")
        PROVIDER_REFUSED = "provider_refused", _("Refus du fournisseur d'identité")
        PROVIDER_UNAVAILABLE = "provider_unavailable", _("Fournisseur d'identité injoignable")
        CANCELLED = "cancelled", _("Connexion annulée")
        ADMIN_GRANTED = "admin_granted", _("Droits d'administration accordés par l'annuaire")
        ADMIN_REVOKED = "admin_revoked", _("Droits d'administration retirés par l'annuaire")
        CREATED = "created", _("Compte créé à la première connexion")
        BY_PERSON = "by_person", _("À la demande de la personne")
        IDLE_TIMEOUT = "idle_timeout", _("Inactivité")
        LIFETIME_EXCEEDED = "lifetime_exceeded", _("Durée maximale de session atteinte")
        REQUESTED = "requested", _("Demande traitée")
        RATE_LIMITED = "rate_limited", _("Demande ignorée (trop de demandes)")

    created_at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)
    kind = models.CharField(_("événement"), max_length=20, choices=Kind.choices)
    method = models.CharField(_("méthode"), max_length=20, choices=Method.choices)
    reason = models.CharField(_("motif"), max_length=30, choices=Reason.choices, blank=True, default="")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sign_in_events",
        db_index=False,  # the (user, created_at) index below serves lookups by account
    )
    # The identifier the person used (typed username, directory identity, reset address), cut to length.
    identifier = models.CharField(_("identifiant utilisé"), max_length=150, blank=True, default="")
    client_ip = models.GenericIPAddressField(_("adresse du poste"), null=True, blank=True)

    class Meta:
        verbose_name = _("événement de connexion")
        verbose_name_plural = _("journal des connexions")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The spraying count and the reset limits read the last minutes of one kind.
            models.Index(fields=["kind", "created_at"], name="signin_kind_time"),
            models.Index(fields=["identifier", "kind", "created_at"], name="signin_identifier_time"),
            models.Index(fields=["client_ip", "kind", "created_at"], name="signin_ip_time"),
            models.Index(fields=["user", "created_at"], name="signin_user_time"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.kind} {self.identifier}"


class DirectoryAdminGrant(models.Model):
    """Administrator rights that the configured directory group gave this account, so that leaving the
    group takes back exactly what it gave (and never rights an administrator granted by hand)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="directory_admin_grant"
    )
    granted_staff = models.BooleanField(default=False)
    granted_superuser = models.BooleanField(default=False)
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("droits d'administration donnés par l'annuaire")
        verbose_name_plural = _("droits d'administration donnés par l'annuaire")

    def __str__(self) -> str:
        return str(self.user)
