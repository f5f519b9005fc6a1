"""The reading pages: every signed-in person reads the policy in force and its previous versions."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from ..campaigns.selectors import pending_requests_for
from ..diff import compare_versions
from ..models import PolicyVersion
from ..selectors import (
    comparable_versions,
    get_policy_for,
    get_version_for,
    other_versions,
    policies_visible_to,
    reading_version_for,
    related_policies_of,
    version_actions,
    version_history,
    version_in_force,
)


def current(request):
    """The nav's "Politique" link: the policy this portal governs, or the list when it is not in force yet."""
    version = version_in_force()
    if version is None:
        return redirect("policies:list")
    return redirect(version.policy.get_absolute_url())


def policy_list(request):
    page = Paginator(policies_visible_to(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "policies/list.html", {"page_obj": page, "policies": page.object_list})


def _reading(request, version: PolicyVersion):
    policy = version.policy
    sections = list(version.sections.all())
    context = {
        "policy": policy,
        "version": version,
        "sections": sections,
        "main_sections": [s for s in sections if not s.is_annex],
        "annexes": [s for s in sections if s.is_annex],
        "related": related_policies_of(policy),
        "legal_references": list(policy.legal_references.all()),
        "others": list(other_versions(request.user, version)),
        "actions": version_actions(request.user, version),
        "events": version_history(request.user, version),
        # §7.5: whoever is asked to confirm this version finds the way to do it where the reading ends.
        "open_request": pending_requests_for(request.user).filter(campaign__version=version).first(),
    }
    return render(request, "policies/reading.html", context)


def policy_detail(request, number: str):
    return _reading(request, reading_version_for(request.user, number))


def version_detail(request, number: str, pk: int):
    return _reading(request, get_version_for(request.user, number, pk))


def _int_or_404(value: str | None) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise Http404 from None


def version_compare(request, number: str):
    """Two versions side by side: ?de=<older>&a=<newer>; by default the one in force and the one before."""
    policy = get_policy_for(request.user, number)
    choices = comparable_versions(request.user, policy)
    by_pk = {v.pk: v for v in choices}
    old_pk, new_pk = _int_or_404(request.GET.get("de")), _int_or_404(request.GET.get("a"))
    if (old_pk is not None and old_pk not in by_pk) or (new_pk is not None and new_pk not in by_pk):
        raise Http404
    in_force = next((v for v in choices if v.status == PolicyVersion.Status.IN_FORCE), None)
    new = by_pk[new_pk] if new_pk is not None else (in_force or (choices[0] if choices else None))
    old = by_pk[old_pk] if old_pk is not None else next((v for v in choices if v != new), None)
    context = {"policy": policy, "choices": choices, "old": old, "new": new}
    if old is not None and new is not None and old != new:
        context["comparison"] = compare_versions(old, new)
    return render(request, "policies/compare.html", context)
