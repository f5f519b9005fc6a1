"""Reads about policies, scoped where needed."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser

from .models import Acknowledgement, PolicyVersion, normalise_policy_number


def version_in_force(policy_number: str | None = None) -> PolicyVersion | None:
    """The version in force of a policy (default: the social-media policy this portal governs)."""
    number = normalise_policy_number(policy_number or settings.PORTAL_POLICY_NUMBER)
    return (
        PolicyVersion.objects.select_related("policy")
        .filter(policy__number=number, status=PolicyVersion.Status.IN_FORCE)
        .first()
    )


def has_acknowledged_version_in_force(user: AbstractBaseUser, policy_number: str | None = None) -> bool:
    """§6.3 / §7.5: has this person confirmed the version of the policy now in force?"""
    version = version_in_force(policy_number)
    if version is None:
        return False
    return Acknowledgement.objects.filter(version=version, user=user).exists()
