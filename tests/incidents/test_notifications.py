"""Who is told what at each step; never the person concerned; never the incident's text."""

import json

from django.utils import timezone

from incidents import services
from incidents.models import Incident
from incidents.services.compliance import register_decision_record
from portal.notifications.kinds import get_kind
from portal.notifications.models import Notification

from .factories import declare

SECRET = "TEXTE-CONFIDENTIEL-DE-L-INCIDENT"


def test_kinds_are_registered():
    assert get_kind("incidents.urgent_patient_info").urgent
    for code in (
        "declared",
        "routed",
        "information_requested",
        "information_provided",
        "status_changed",
        "deadline_passed",
        "closed_by_manager",
        "closed",
        "shared",
        "unshared",
    ):
        get_kind(f"incidents.{code}")


def test_declaration_tells_the_declarer_and_the_manager(org, notified):
    incident = declare(org.user("alice"), description=SECRET)
    assert notified("incidents.declared") == {"alice"}
    assert notified("incidents.routed") == {"bob"}
    assert notified("incidents.urgent_patient_info") == set()
    row = Notification.objects.get(kind="incidents.routed")
    assert row.reference == incident.reference and row.link == incident.get_absolute_url()
    assert row.context["level"] == "manager" and "deadline" in row.context


def test_patient_information_alerts_dcai_at_once_in_parallel(org, notified):
    incident = declare(org.user("alice"), category="patient_info", patient_info_exposed=True)
    assert incident.urgent and incident.level == Incident.Level.MANAGER
    assert notified("incidents.urgent_patient_info") == {"diane", "dora"}
    assert notified("incidents.routed") == {"bob"}
    assert all(
        Notification.objects.filter(kind="incidents.urgent_patient_info").values_list("urgent", flat=True)
    )
    assert Notification.objects.get(kind="incidents.routed").urgent
    assert incident.events.filter(kind="urgent_alert").exists()
    # DCAI can act on the live post before the incident reaches it.
    services.incident_record_takedown(
        incident=incident, actor=org.user("diane"), requested_to="platform", requested_at=timezone.now()
    )


def test_patient_exposure_flag_alone_is_urgent(org, notified):
    assert declare(org.user("alice"), patient_info_exposed=True).urgent
    assert notified("incidents.urgent_patient_info") == {"diane", "dora"}


def test_urgent_case_routed_to_dcai_is_told_once(org):
    declare(
        org.user("alice"),
        category="patient_info",
        patient_info_exposed=True,
        route_choice="dcai",
        route_reason="x",
    )
    assert Notification.objects.filter(recipient=org.user("diane")).count() == 1


def test_each_step_tells_the_right_people(org, notified):
    incident = declare(org.user("alice"))
    Notification.objects.all().delete()
    services.incident_take_in_charge(incident=incident, actor=org.user("bob"))
    assert notified("incidents.declaration_taken") == {"alice"}
    services.incident_request_information(incident=incident, actor=org.user("bob"), question="?")
    assert notified("incidents.information_requested") == {"alice"}
    services.incident_answer_information(incident=incident, actor=org.user("alice"), answer="!")
    assert notified("incidents.information_provided") == {"bob"}
    Notification.objects.all().delete()
    services.incident_add_note(incident=incident, actor=org.user("bob"), body="x")
    assert not Notification.objects.exists()  # internal
    services.incident_escalate(incident=incident, actor=org.user("bob"), assessment="x")
    assert notified("incidents.routed") == {"carol"} and notified("incidents.declaration_to_direction") == {"alice"}
    Notification.objects.all().delete()
    services.incident_escalate(incident=incident, actor=org.user("carol"), assessment="x")
    assert notified("incidents.routed") == {"diane", "dora"}
    Notification.objects.all().delete()
    services.incident_close(incident=incident, actor=org.user("diane"), outcome="founded")
    assert notified("incidents.declaration_closed") == {"alice"}
    assert notified("incidents.closed") == {"bob", "carol"}
    assert Notification.objects.get(kind="incidents.declaration_closed").context["outcome"] == "founded"


def test_manager_closure_is_reported_to_dcai(org, notified):
    incident = declare(org.user("alice"))
    services.incident_close(incident=incident, actor=org.user("bob"), outcome="unfounded", reason="Rien")
    assert notified("incidents.closed_by_manager") == {"diane", "dora"}
    assert "alice" in notified("incidents.declaration_closed")


def test_sharing_tells_the_named_person(org, notified):
    incident = declare(org.user("alice"), route_choice="dcai", route_reason="x")
    services.incident_share(incident=incident, actor=org.user("diane"), user=org.user("harry"))
    services.incident_unshare(incident=incident, actor=org.user("diane"), user=org.user("harry"))
    assert notified("incidents.shared") == {"harry"} and notified("incidents.unshared") == {"harry"}


def test_the_concerned_person_is_never_told(org):
    """Even when they are a DCAI officer receiving every urgent alert."""
    incident = declare(
        org.user("alice"),
        category="patient_info",
        patient_info_exposed=True,
        concerned_kind="staff",
        concerned_staff=org.diane,
    )
    assert incident.direction == org.dcai
    services.incident_escalate(incident=incident, actor=org.user("bob"), assessment="x")
    assert Incident.objects.get(pk=incident.pk).level == Incident.Level.DCAI  # the direction is DCAI itself
    # Patient information: closing needs a register entry or a reason (incidents.services.compliance).
    register_decision_record(incident=incident, actor=org.user("dora"), reason="Aucun usager identifiable.")
    services.incident_close(incident=incident, actor=org.user("dora"), outcome="founded")
    assert not Notification.objects.filter(recipient=org.user("diane")).exists()
    assert Notification.objects.filter(recipient=org.user("dora")).exists()


def test_the_concerned_manager_is_never_told(org):
    declare(org.user("alice"), concerned_kind="staff", concerned_staff=org.bob, patient_info_exposed=True)
    assert not Notification.objects.filter(recipient=org.user("bob")).exists()


def test_no_incident_text_in_any_notification(org):
    incident = declare(
        org.user("alice"),
        description=SECRET,
        links="https://secret.example/" + SECRET,
        category="patient_info",
        patient_info_exposed=True,
    )
    services.incident_request_information(incident=incident, actor=org.user("bob"), question=SECRET)
    services.incident_answer_information(incident=incident, actor=org.user("alice"), answer=SECRET)
    services.incident_escalate(incident=incident, actor=org.user("bob"), assessment=SECRET)
    services.incident_escalate(incident=incident, actor=org.user("carol"), assessment=SECRET)
    register_decision_record(incident=incident, actor=org.user("dora"), reason=SECRET)
    services.incident_close(incident=incident, actor=org.user("dora"), outcome="unfounded", reason=SECRET)
    for row in Notification.objects.all():
        blob = json.dumps(row.context) + row.reference + row.link
        assert SECRET not in blob and "Alice" not in blob
    assert Notification.objects.count() >= 8
