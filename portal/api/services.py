"""Writes of the API: service accounts, tokens (created by an administrator, shown once), the audit.

Only an administrator (superuser) creates accounts and tokens or revokes them; the admin pages and
`manage.py api_token` both call these functions.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ApiCall, ApiToken, ServiceAccount
from .scopes import SCOPES

TOKEN_PREFIX = "pms"
KEY_ID_BYTES = 6  # 12 hex characters
SECRET_BYTES = 32  # 256 bits


@dataclass(frozen=True)
class NewToken:
    """A token just created: `secret` is the only time its full text exists outside the caller's system."""

    token: ApiToken
    secret: str


def hash_token(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def split_token(text: str) -> str | None:
    """The key id of a well-formed token, or None."""
    parts = text.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or len(parts[1]) != 2 * KEY_ID_BYTES or not parts[2]:
        return None
    key_id = parts[1]
    return key_id if all(c in "0123456789abcdef" for c in key_id) else None


def token_matches(token: ApiToken, text: str) -> bool:
    return hmac.compare_digest(token.secret_hash, hash_token(text))


def _require_administrator(actor: AbstractBaseUser | None) -> None:
    # None is the command line (`manage.py api_token`), run by whoever runs the server.
    if actor is not None and not (actor.is_active and actor.is_superuser):
        raise PermissionDenied(_("Seul un administrateur gère les comptes de service et leurs jetons."))


def clean_scopes(scopes: Iterable[str]) -> list[str]:
    chosen = sorted({str(s).strip() for s in scopes if str(s).strip()})
    unknown = [s for s in chosen if s not in SCOPES]
    if unknown:
        raise ValidationError(
            _("Portée inconnue : %(scopes)s. Portées possibles : %(known)s.")
            % {"scopes": ", ".join(unknown), "known": ", ".join(SCOPES)},
            code="unknown_scope",
        )
    if not chosen:
        raise ValidationError(_("Choisissez au moins une portée."), code="no_scope")
    return chosen


def max_token_days() -> int:
    return int(settings.API_TOKEN_MAX_DAYS)


def clean_expiry(expires_at: datetime.datetime, now: datetime.datetime) -> datetime.datetime:
    if expires_at <= now:
        raise ValidationError(_("La date d'expiration doit être dans le futur."), code="expiry_past")
    if expires_at > now + datetime.timedelta(days=max_token_days()):
        raise ValidationError(
            _("Un jeton dure au plus %(days)s jours.") % {"days": max_token_days()}, code="expiry_too_far"
        )
    return expires_at


def service_account_create(
    *, actor: AbstractBaseUser | None, name: str, description: str = "", contact_email: str = ""
) -> ServiceAccount:
    _require_administrator(actor)
    name = name.strip()
    if not name:
        raise ValidationError(_("Donnez un nom au compte de service."), code="no_name")
    if ServiceAccount.objects.filter(name__iexact=name).exists():
        raise ValidationError(_("Un compte de service porte déjà ce nom."), code="duplicate")
    return ServiceAccount.objects.create(
        name=name, description=description, contact_email=contact_email, created_by=actor
    )


def token_create(
    *,
    actor: AbstractBaseUser | None,
    account: ServiceAccount,
    scopes: Iterable[str],
    expires_at: datetime.datetime | None = None,
    label: str = "",
) -> NewToken:
    """A new token for a service account; its text is returned once and never stored (only its hash)."""
    _require_administrator(actor)
    now = timezone.now()
    chosen = clean_scopes(scopes)
    expires_at = clean_expiry(expires_at or now + datetime.timedelta(days=min(90, max_token_days())), now)
    if not account.is_active:
        raise ValidationError(_("Ce compte de service est désactivé."), code="inactive_account")
    with transaction.atomic():
        while True:
            key_id = secrets.token_hex(KEY_ID_BYTES)
            if not ApiToken.objects.filter(key_id=key_id).exists():
                break
        text = f"{TOKEN_PREFIX}_{key_id}_{secrets.token_urlsafe(SECRET_BYTES)}"
        token = ApiToken.objects.create(
            account=account,
            label=label.strip()[:100],
            key_id=key_id,
            secret_hash=hash_token(text),
            scopes=chosen,
            expires_at=expires_at,
            created_by=actor,
        )
    return NewToken(token=token, secret=text)


def token_revoke(*, actor: AbstractBaseUser | None, token: ApiToken) -> ApiToken:
    """Revoked at once: the next call with this token gets 401. Revoking twice changes nothing."""
    _require_administrator(actor)
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.revoked_by = actor
            locked.save(update_fields=["revoked_at", "revoked_by"])
    return locked


# How often the "last used" time of a token is rewritten: one write a minute at most, whatever the load.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def token_touch(token: ApiToken, now: datetime.datetime) -> None:
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def call_record(
    *,
    token: ApiToken | None,
    presented_key_id: str,
    scope: str,
    method: str,
    endpoint: str,
    path: str,
    status: int,
    client_ip: str | None,
    duration_ms: int,
) -> ApiCall:
    """The audit row of one call (README, "API"): who, with which scope, which endpoint, what answer."""
    return ApiCall.objects.create(
        account_id=token.account_id if token else None,
        token=token,
        presented_key_id=presented_key_id[:16],
        scope=scope[:40],
        method=method[:10],
        endpoint=endpoint[:200],
        path=path[:300],
        status=status,
        client_ip=client_ip,
        duration_ms=max(0, duration_ms),
    )


def calls_purge(*, now: datetime.datetime | None = None) -> int:
    """Audit rows older than API_AUDIT_RETENTION_DAYS are removed (the daily job); how many."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=int(settings.API_AUDIT_RETENTION_DAYS))
    deleted, _detail = ApiCall.objects.filter(at__lt=cutoff).delete()
    return deleted
