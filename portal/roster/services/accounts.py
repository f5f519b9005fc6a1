"""Official accounts of the institution (§7.3): DCAI keeps the list."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.models import Direction
from portal.roles import roles_for
from portal.workflow import lock

from .. import rules
from ..models import OfficialAccount
from .common import required_text

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AccountData:
    platform: str
    handle: str
    url: str
    direction: Direction
    is_active: bool = True


def _check_account_data(data: AccountData, *, exclude_pk: int | None = None) -> AccountData:
    if data.platform not in OfficialAccount.Platform.values:
        raise ValidationError({"platform": _("Choisissez une plateforme valide.")})
    handle = required_text(data.handle, _("Indiquez le nom du compte."))
    url = required_text(data.url, _("Indiquez l'adresse du compte."))
    if not url.lower().startswith(("https://", "http://")):
        raise ValidationError({"url": _("L'adresse doit commencer par https://.")})
    duplicates = OfficialAccount.objects.filter(platform=data.platform, handle__iexact=handle)
    if exclude_pk is not None:
        duplicates = duplicates.exclude(pk=exclude_pk)
    if duplicates.exists():
        raise ValidationError({"handle": _("Ce compte existe déjà pour cette plateforme.")})
    return AccountData(
        platform=data.platform, handle=handle, url=url, direction=data.direction, is_active=data.is_active
    )


def official_account_create(*, actor: AbstractBaseUser, data: AccountData) -> OfficialAccount:
    """§7.3: DCAI runs the institution's social media, so it keeps the list of official accounts."""
    if not rules.may_manage_accounts(roles_for(actor)):
        raise PermissionDenied
    data = _check_account_data(data)
    with transaction.atomic():
        account = OfficialAccount.objects.create(
            platform=data.platform,
            handle=data.handle,
            url=data.url,
            direction=data.direction,
            is_active=data.is_active,
        )
    logger.info("Official account %s created by user %s", account.pk, actor.pk)
    return account


def official_account_update(
    *, account: OfficialAccount, actor: AbstractBaseUser, data: AccountData
) -> OfficialAccount:
    """§7.3: DCAI edits or deactivates an official account; designations keep their history."""
    if not rules.may_manage_accounts(roles_for(actor)):
        raise PermissionDenied
    data = _check_account_data(data, exclude_pk=account.pk)
    with transaction.atomic():
        account = lock(account)
        account.platform, account.handle, account.url = data.platform, data.handle, data.url
        account.direction, account.is_active = data.direction, data.is_active
        account.save()
    logger.info("Official account %s updated by user %s", account.pk, actor.pk)
    return account
