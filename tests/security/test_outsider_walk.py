"""A signed-in employee of another direction gets 404 from every page that names an object.

The URL conf is walked, like the anonymous walk: every route with an id is requested with the id of a
real object of the care direction (an incident with evidence, a takedown and a register entry, a
designation, a campaign and its request, a notification, an official account, a draft version).
Oscar (technical services, no role) must get exactly what he gets for an id that does not exist, and
that must be a refusal (404; 405 where the page only accepts POST): never a page, never a 403 that would
confirm the object exists. A route added later without a sample below fails the walk until it gets one.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from incidents.evidence import clean_upload
from incidents.models import BoardReport, Evidence, Takedown
from incidents.services import register_entry_create
from moderation.models import JournalEntry
from policies.campaigns.models import AcknowledgementRequest, Campaign
from policies.models import PolicyVersion
from portal.notifications.models import Notification
from portal.privacy.models import PersonalDataRequest
from portal.roster.models import Designation
from publishing.models import AuthorisationAttachment
from tests.campaigns.factories import VersionFactory, make_campaign
from tests.incidents.factories import declare, png_bytes, upload
from tests.incidents.test_register import values as register_values
from tests.policies.factories import make_version
from tests.publishing.conftest import ask as ask_authorisation
from tests.publishing.conftest import record_consent
from tests.roster.factories import DesignationFactory, OfficialAccountFactory

MISSING = 987654


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            yield namespace, entry.name, prefix + str(entry.pattern)


PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")
ROUTES = sorted(
    {(ns, name, route) for ns, name, route in _walk(get_resolver().url_patterns) if "<int:" in route},
    key=lambda item: item[2],
)


def _world(org) -> dict[str, dict[str, object]]:
    """Objects of the care direction, by URL namespace and parameter name."""
    alice, bob, carol, diane = (org.user(n) for n in ("alice", "bob", "carol", "diane"))
    incident = declare(
        alice,
        evidence=[clean_upload(upload("capture.png", png_bytes(), "image/png"))],
        category="patient_info",
        patient_info_exposed=True,
    )
    evidence = Evidence.objects.get(incident=incident)
    takedown = Takedown.objects.create(
        incident=incident, requested_to="platform", requested_at=timezone.now() - timedelta(hours=1), recorded_by=diane
    )
    entry = register_entry_create(incident=incident, actor=diane, values=register_values())
    # A board report DCAI generated (§7.1): only DCAI and the general direction read it.
    report = BoardReport.objects.create(
        period_start=timezone.localdate().replace(month=1, day=1), period_end=timezone.localdate(),
        period_token="12m", figures={}, pdf=b"%PDF-1.7", pdf_size=8, pdf_sha256="0" * 64, generated_by=diane,
    )

    version = VersionFactory()
    campaign = make_campaign(version, actor=org.user("harry"), status=Campaign.Status.LAUNCHED)
    request = AcknowledgementRequest.objects.create(campaign=campaign, profile=org.alice, due_on=campaign.due_on)
    account = OfficialAccountFactory(direction=org.dcai)
    designation = DesignationFactory(profile=org.bob, designated_by=carol, accounts=[account])
    notification = Notification.objects.filter(recipient=bob).first() or Notification.objects.create(
        recipient=bob, kind="incidents.routed"
    )
    draft = make_version(status=PolicyVersion.Status.DRAFT, policy=version.policy)
    assert designation.status == Designation.Status.PENDING
    # §6.2 and §6.1: alice's disclosure request with a draft attachment; a consent DCAI recorded for an account.
    authorisation = ask_authorisation(alice)
    attachment = AuthorisationAttachment.objects.create(
        request=authorisation, stored_name="publishing/walk.png", original_name="walk.png", content_type="image/png",
        size=1, sha256="0" * 64, uploaded_by=alice,
    )
    consent = record_consent(diane, account)
    consent_sample = {"pk": consent.pk, "file_pk": consent.forms.get().pk}
    # A comment bob removed from an official account (annex 1); a personal-data request about alice (DCAI).
    journal_entry = JournalEntry.objects.create(
        account=account, platform=account.platform, action="removed", moderated_on=timezone.localdate(),
        policy_version=version, rule_number=1, rule_text="Règle.", screenshot_name="moderation/walk.png",
        screenshot_original_name="walk.png", screenshot_type="image/png", screenshot_size=1,
        screenshot_sha256="0" * 64, recorded_by=bob,
    )
    data_request = PersonalDataRequest.objects.create(
        profile=org.alice, kind="access", received_on=timezone.localdate(), due_on=timezone.localdate(),
        details="Accès.", recorded_by=diane,
    )
    return {
        "incidents": {
            "pk": incident.pk,
            "evidence_pk": evidence.pk,
            "takedown_pk": takedown.pk,
            "entry_pk": entry.pk,
            "user_pk": alice.pk,
            "report_pk": report.pk,
        },
        "campaigns": {"pk": campaign.pk, "fmt": "csv"},
        "campaigns:request": {"pk": request.pk},
        "campaigns:my_request": {"pk": campaign.pk},
        "roster": {"pk": designation.pk, "fmt": "csv"},
        "roster:account_edit": {"pk": account.pk},
        "notifications": {"pk": notification.pk},
        "policies": {"pk": draft.pk, "number": version.policy.number},
        "publishing": {"pk": authorisation.pk, "file_pk": attachment.pk},
        "moderation": {"pk": journal_entry.pk},
        "privacy": {"pk": org.alice.pk},
        "privacy:answer": {"pk": data_request.pk},
        **{
            f"publishing:{name}": consent_sample
            for name in ("consent", "consent_withdraw", "consent_publication", "consent_file",
                         "consent_link_takedown", "consent_link_journal")
        },
    }


def _samples(world, namespace: str, name: str) -> dict[str, object] | None:
    return world.get(f"{namespace}:{name}") or world.get(namespace)


def _path(route: str, values: dict[str, object]) -> str:
    return "/" + PARAMETER.sub(lambda m: str(values[m.group(2)]), route)


def test_every_route_with_an_id_has_a_sample(org):
    world = _world(org)
    missing = []
    for namespace, name, route in ROUTES:
        samples = _samples(world, namespace, name)
        wanted = {m.group(2) for m in PARAMETER.finditer(route)}
        if samples is None or not wanted <= set(samples):
            missing.append(f"{namespace}:{name} {route}")
    assert not missing, "routes without an outsider sample: " + ", ".join(missing)


def test_outsider_is_refused_as_if_nothing_existed(org, login):
    world = _world(org)
    client = login(org.user("oscar"))
    leaks = []
    for namespace, name, route in ROUTES:
        samples = _samples(world, namespace, name)
        if samples is None:
            continue  # reported by test_every_route_with_an_id_has_a_sample
        real = _path(route, samples)
        ints = {m.group(2) for m in PARAMETER.finditer(route) if m.group(1) == "int"}
        absent = _path(route, {**samples, **dict.fromkeys(ints, MISSING)})
        for method in ("get", "post"):
            seen = getattr(client, method)(real).status_code
            baseline = getattr(client, method)(absent).status_code
            if seen not in (404, 405) or seen != baseline:
                leaks.append(f"{method.upper()} {real} answered {seen} (a missing id: {baseline})")
    assert len(ROUTES) > 40
    assert not leaks, "\n".join(leaks)
