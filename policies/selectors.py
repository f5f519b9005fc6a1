"""Reads about policies, scoped to the person asking.

Every signed-in person reads the versions that are or were in force (§7.5: all staff are informed);
drafts and approved versions not yet in force are seen only by DCAI, who writes the policy (§7.3).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from portal.roles import roles_for

from .models import (
    Acknowledgement,
    Policy,
    PolicyVersion,
    PolicyVersionEvent,
    RelatedPolicy,
    Section,
    normalise_policy_number,
)
from .workflow import VERSION_WORKFLOW, WAITING_ACTIONS

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


def version_actions(user: AbstractBaseUser | AnonymousUser | None, version: PolicyVersion) -> frozenset[str]:
    """What this person may do to this version now: the map's actions for its status (policies.workflow),
    for DCAI only (§7.3). The pages show a button exactly for these; the services refuse the others."""
    if not can_manage_policies(user):
        return frozenset()
    return VERSION_WORKFLOW.actions(version.status)


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


def get_version_to_act_on(user: AbstractBaseUser, number: str, pk: int) -> PolicyVersion:
    """A version DCAI acts on: 404 when this person may not read it (a draft for non-DCAI), 403 when
    they may read it but not manage versions (§7.3)."""
    version = get_version_for(user, number, pk)
    if not can_manage_policies(user):
        raise PermissionDenied
    return version


def get_policy_to_manage(user: AbstractBaseUser, number: str) -> Policy:
    """A policy DCAI starts a draft of: 404 when this person may not read it, 403 when they may read it
    but not manage versions (§7.3)."""
    policy = get_policy_for(user, number)
    if not can_manage_policies(user):
        raise PermissionDenied
    return policy


def with_version_actions(user: AbstractBaseUser, versions) -> list[PolicyVersion]:
    """The versions, each with `actions`: what this person may do to it now (see `version_actions`)."""
    rows = list(versions)
    for version in rows:
        version.actions = version_actions(user, version)
    return rows


def versions_to_manage(user: AbstractBaseUser) -> QuerySet[PolicyVersion]:
    """DCAI's list (§7.3): every version with its number of sections, by policy, newest first."""
    if not can_manage_policies(user):
        raise PermissionDenied
    return (
        versions_visible_to(user)
        .annotate(section_count=Count("sections"))
        .order_by("policy__number", "-created_at")
    )


def versions_waiting_count(user: AbstractBaseUser) -> int | None:
    """How many versions wait on DCAI (a draft to approve, an approved one to put in force); None for
    anyone who does not manage policies."""
    if not can_manage_policies(user):
        return None
    waiting = set().union(*(VERSION_WORKFLOW.states_allowing(action) for action in WAITING_ACTIONS))
    return PolicyVersion.objects.filter(status__in=waiting).count()


def in_force_version_of(policy: Policy) -> PolicyVersion | None:
    """The version of this policy now in force (the one a version put in force would replace)."""
    return policy.versions.filter(status=PolicyVersion.Status.IN_FORCE).first()


def version_history(user: AbstractBaseUser, version: PolicyVersion) -> list[PolicyVersionEvent]:
    """The events of a version, for DCAI only (§7.3 writes the policy; docs/rules.md: nobody else sees who
    did what)."""
    if not can_manage_policies(user):
        return []
    return list(version.events.select_related("actor"))


def comparable_versions(user: AbstractBaseUser, policy: Policy) -> list[PolicyVersion]:
    """The versions of a policy this person may read, with their sections, newest in force first."""
    return list(
        versions_visible_to(user)
        .filter(policy=policy)
        .prefetch_related(Prefetch("sections", queryset=Section.objects.order_by("order")))
        .order_by("-effective_on", "-created_at")
    )


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


# --- What the organisation layer asks of policies (hooks named in settings; docs/architecture.md) -----


def acknowledgement_blocker(user: AbstractBaseUser) -> str:
    """§6.3 with §7.5: why this person cannot become an authorized user yet, or "" when nothing blocks.

    The roster asks this through `settings.PORTAL_ACKNOWLEDGEMENT_BLOCKER`.
    """
    from django.utils.translation import gettext as _

    if version_in_force() is None:
        return _(
            "Aucune version de la politique n'est en vigueur : "
            "la prise de connaissance ne peut pas être vérifiée."
        )
    if not has_acknowledged_version_in_force(user):
        return _(
            "Cette personne n'a pas encore pris connaissance de la version en vigueur de la politique. "
            "Elle ne peut pas être confirmée comme utilisateur autorisé avant de l'avoir fait."
        )
    return ""


# Anchors the reading page gives a section ("s-" + slug of its number), used when the text is not loaded.
OBLIGATIONS_SECTION_NUMBER = "6.3"
OBLIGATIONS_ANCHOR = "s-6-3"
NETIQUETTE_ANCHOR = "s-annexe-1"


def obligation_links() -> dict[str, str]:
    """§6.3 and annex 1: links to the authorized users' obligations and to the netiquette in the version
    in force, plus the policy's own page. The roster asks this through `settings.PORTAL_POLICY_LINKS`.
    """
    from django.urls import reverse

    base = reverse("policies:policy", args=[normalise_policy_number(settings.PORTAL_POLICY_NUMBER)])
    obligations, netiquette = OBLIGATIONS_ANCHOR, NETIQUETTE_ANCHOR
    version = version_in_force()
    if version is not None:
        sections = Section.objects.filter(version=version).only("number", "title", "is_annex").order_by("order")
        for section in sections.filter(number=OBLIGATIONS_SECTION_NUMBER)[:1]:
            obligations = section.anchor
        for section in sections.filter(is_annex=True)[:1]:
            netiquette = section.anchor
    return {
        "policy_url": base,
        "obligations_url": f"{base}#{obligations}",
        "netiquette_url": f"{base}#{netiquette}",
    }


def template_flags(user: AbstractBaseUser) -> dict[str, bool]:
    """Named flags for templates (settings.PORTAL_TEMPLATE_FLAGS)."""
    return {"manage_policies": can_manage_policies(user)}
