"""Reads about policies, scoped to the person asking.

Every signed-in person reads the versions that are or were in force (§7.5: all staff are informed);
drafts and approved versions not yet in force are seen only by DCAI, who writes the policy (§7.3).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from portal.roles import roles_for

from .models import Acknowledgement, Policy, PolicyVersion, RelatedPolicy, Section, normalise_policy_number

PUBLISHED = (PolicyVersion.Status.IN_FORCE, PolicyVersion.Status.SUPERSEDED)


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


def can_manage_policies(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    """§7.3: DCAI writes the policy and keeps it up to date; administrators may stand in."""
    roles = roles_for(user)
    return roles.is_dcai or roles.is_admin


def versions_visible_to(user: AbstractBaseUser) -> QuerySet[PolicyVersion]:
    versions = PolicyVersion.objects.select_related("policy")
    if can_manage_policies(user):
        return versions
    return versions.filter(status__in=PUBLISHED)


def policies_visible_to(user: AbstractBaseUser) -> QuerySet[Policy]:
    """Policies with a version this person may read; `in_force` holds the version in force (prefetched)."""
    policies = Policy.objects.prefetch_related(
        Prefetch(
            "versions",
            queryset=PolicyVersion.objects.filter(status=PolicyVersion.Status.IN_FORCE),
            to_attr="in_force",
        )
    ).order_by("number")
    if can_manage_policies(user):
        return policies
    return policies.filter(Q(versions__status__in=PUBLISHED)).distinct()


def get_policy_for(user: AbstractBaseUser, number: str) -> Policy:
    policy = policies_visible_to(user).filter(number=normalise_policy_number(number)).first()
    if policy is None:
        raise Http404
    return policy


def get_version_for(user: AbstractBaseUser, number: str, pk: int) -> PolicyVersion:
    """A version with its sections, or 404 when this person may not read it (a draft for non-DCAI)."""
    version = (
        versions_visible_to(user)
        .filter(policy__number=normalise_policy_number(number), pk=pk)
        .select_related("policy__issuing_direction")
        .prefetch_related(Prefetch("sections", queryset=Section.objects.order_by("order")))
        .first()
    )
    if version is None:
        raise Http404
    return version


def reading_version_for(user: AbstractBaseUser, number: str) -> PolicyVersion:
    """The version a person reads at the policy's address: the one in force (DCAI: else the newest)."""
    versions = (
        versions_visible_to(user)
        .filter(policy__number=normalise_policy_number(number))
        .select_related("policy__issuing_direction")
        .prefetch_related(Prefetch("sections", queryset=Section.objects.order_by("order")))
    )
    version = (
        versions.filter(status=PolicyVersion.Status.IN_FORCE).first()
        or versions.order_by("-created_at").first()
    )
    if version is None:
        raise Http404
    return version


def other_versions(user: AbstractBaseUser, version: PolicyVersion) -> QuerySet[PolicyVersion]:
    """The other versions of the same policy this person may read, newest first."""
    return (
        versions_visible_to(user)
        .filter(policy_id=version.policy_id)
        .exclude(pk=version.pk)
        .order_by("-effective_on", "-created_at")
    )


def related_policies_of(policy: Policy) -> list[RelatedPolicy]:
    """§2 related policies, each with `in_portal` set when it has a version in force here (one query)."""
    in_force = PolicyVersion.objects.filter(
        policy__number=OuterRef("number"), status=PolicyVersion.Status.IN_FORCE
    )
    return list(policy.related_policies.annotate(in_portal=Exists(in_force)))
