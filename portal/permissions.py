"""The one door to django-guardian: grant and revoke per-object permissions."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Model
from guardian.shortcuts import assign_perm, remove_perm

from .roles import DELEGATE_PERMISSION, forget_roles


def grant(*, user: AbstractBaseUser, perm: str, obj: Model) -> None:
    assign_perm(perm, user, obj)
    forget_roles(user)


def revoke(*, user: AbstractBaseUser, perm: str, obj: Model) -> None:
    remove_perm(perm, user, obj)
    forget_roles(user)


def direction_delegate_add(*, user: AbstractBaseUser, direction: Model) -> None:
    grant(user=user, perm=f"portal.{DELEGATE_PERMISSION}", obj=direction)


def direction_delegate_remove(*, user: AbstractBaseUser, direction: Model) -> None:
    revoke(user=user, perm=f"portal.{DELEGATE_PERMISSION}", obj=direction)
