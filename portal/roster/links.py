"""Links from the roster to the policy reading page: §6.3 obligations and the netiquette annex."""

from __future__ import annotations

from django.conf import settings
from django.urls import NoReverseMatch, reverse

# Anchors the reading page gives a section ("s-" + slug of its number); used when the text is not loaded.
OBLIGATIONS_ANCHOR = "s-63"
NETIQUETTE_ANCHOR = "s-annexe-1"
OBLIGATIONS_SECTION_NUMBER = "6.3"


def policy_url() -> str:
    try:
        return reverse("policies:policy", args=[settings.PORTAL_POLICY_NUMBER])
    except NoReverseMatch:
        return "/politiques/"


def _section_anchors() -> tuple[str, str]:
    """Anchors of §6.3 and of the annex in the version in force, when its text is in the portal."""
    from policies.models import Section
    from policies.selectors import version_in_force

    obligations, netiquette = OBLIGATIONS_ANCHOR, NETIQUETTE_ANCHOR
    version = version_in_force()
    if version is None:
        return obligations, netiquette
    sections = Section.objects.filter(version=version).only("number", "title", "is_annex").order_by("order")
    for section in sections.filter(number=OBLIGATIONS_SECTION_NUMBER)[:1]:
        obligations = section.anchor
    for section in sections.filter(is_annex=True)[:1]:
        netiquette = section.anchor
    return obligations, netiquette


def obligation_links() -> dict[str, str]:
    """{"obligations_url": …, "netiquette_url": …} for the person told they are an authorized user."""
    base = policy_url()
    obligations, netiquette = _section_anchors()
    return {"obligations_url": f"{base}#{obligations}", "netiquette_url": f"{base}#{netiquette}"}
