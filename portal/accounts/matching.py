"""A directory sign-in is matched to a person the portal already knows; it never creates one by default.

The organisation comes from the HR export (`import_org`): a person signing in through the hospital's
directory (OpenID Connect or LDAP) is matched to their staff profile by employee number, then by email
when AUTH_MATCH_EMAIL is set. Nobody else gets in, unless AUTH_CREATE_UNKNOWN is set (then an account
without a profile is created; `import_org` attaches it later, usernames being employee numbers). Roles
still come from the organisation data; the one exception is the configured administrators' group
(docs/rules.md, "Sign-in").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from portal.models import StaffProfile

from . import config
from .models import DirectoryAdminGrant, SignInEvent

Reason = SignInEvent.Reason
_EMPLOYEE_NUMBER = re.compile(r"^[A-Za-z0-9._-]{1,20}$")


class SignInRefused(Exception):
    """The directory knows the person, the portal refuses them (the reason is shown and audited)."""

    def __init__(self, reason: str, identifier: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.identifier = identifier


@dataclass(frozen=True)
class DirectoryIdentity:
    """What a directory says about the person who just proved who they are."""

    method: str
    employee_number: str = ""
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    # True or False when an administrators' group is configured for this method, None otherwise.
    in_admin_group: bool | None = None

    @property
    def identifier(self) -> str:
        return (self.employee_number or self.email)[:150]


def employee_number_from(value: object) -> str:
    """The employee number carried by a claim or attribute: `12345`, or `12345@chum.qc.ca` (a user
    principal name), never anything outside the HR export's format."""
    if isinstance(value, (list, tuple)):
        value = value[0] if len(value) == 1 else ""
    text = str(value or "").strip()
    if "@" in text:
        text = text.split("@", 1)[0]
    return text if _EMPLOYEE_NUMBER.match(text) else ""


def _one(queryset):
    found = list(queryset[:2])
    return found[0] if len(found) == 1 else None


def _user_by_identity(identity: DirectoryIdentity):
    User = get_user_model()
    number = identity.employee_number
    if number:
        profiles = StaffProfile.objects.select_related("user")
        # The exact number first (its unique index), then ignoring case ("a1234" in the directory).
        profile = _one(profiles.filter(employee_number=number)) or _one(profiles.filter(employee_number__iexact=number))
        if profile is not None:
            return profile.user, profile
        # An account without a profile named after the number: created by an administrator, or by an
        # earlier sign-in with AUTH_CREATE_UNKNOWN.
        user = _one(User.objects.filter(username__iexact=number, profile__isnull=True))
        if user is not None:
            return user, None
    if config.match_email() and identity.email:
        user = _one(User.objects.select_related("profile").filter(email__iexact=identity.email))
        if user is not None:
            return user, getattr(user, "profile", None)
    return None, None


def directory_person(identity: DirectoryIdentity):
    """The portal account of the person the directory vouches for, or SignInRefused.

    An unknown person is refused (unless AUTH_CREATE_UNKNOWN); a deactivated profile or account is
    refused whatever else is true. The administrators' group, when configured, is applied here.
    """
    user, profile = _user_by_identity(identity)
    if user is None:
        if not (config.create_unknown() and identity.employee_number):
            raise SignInRefused(Reason.UNKNOWN_PERSON, identity.identifier)
        user = _create_account(identity)
    elif (profile is not None and not profile.is_active) or not user.is_active:
        raise SignInRefused(Reason.DEACTIVATED, identity.identifier)
    user.portal_admin_change = directory_admin_sync(user=user, in_group=identity.in_admin_group)
    return user


def _create_account(identity: DirectoryIdentity):
    User = get_user_model()
    user = User(
        username=identity.employee_number,
        email=identity.email[:254],
        first_name=identity.first_name[:150],
        last_name=identity.last_name[:150],
    )
    user.set_unusable_password()
    user.save()
    user.portal_created = True
    return user


def directory_admin_sync(*, user, in_group: bool | None) -> str:
    """The configured directory group marks portal administrators; leaving it takes back what it gave.

    Returns Reason.ADMIN_GRANTED, Reason.ADMIN_REVOKED or "" (nothing changed, or no group configured).
    """
    if in_group is None:
        return ""
    with transaction.atomic():
        User = get_user_model()
        locked = User.objects.select_for_update().get(pk=user.pk)
        grant = DirectoryAdminGrant.objects.filter(user=locked).first()
        if in_group and not (locked.is_staff and locked.is_superuser):
            grant = grant or DirectoryAdminGrant(user=locked)
            grant.granted_staff = grant.granted_staff or not locked.is_staff
            grant.granted_superuser = grant.granted_superuser or not locked.is_superuser
            grant.save()
            locked.is_staff = locked.is_superuser = True
            locked.save(update_fields=["is_staff", "is_superuser"])
            user.is_staff = user.is_superuser = True
            return Reason.ADMIN_GRANTED
        if not in_group and grant is not None:
            if grant.granted_staff:
                locked.is_staff = False
            if grant.granted_superuser:
                locked.is_superuser = False
            locked.save(update_fields=["is_staff", "is_superuser"])
            grant.delete()
            user.is_staff, user.is_superuser = locked.is_staff, locked.is_superuser
            return Reason.ADMIN_REVOKED
    return ""
