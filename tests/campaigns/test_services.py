"""Campaign services: audience, launch, acknowledgement, reminders, follow-up, new staff."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.deletion import ProtectedError
from django.utils import timezone

from policies.campaigns import services
from policies.campaigns.models import AcknowledgementRequest, Campaign, CampaignEvent
from policies.campaigns.notifications import KIND_REMINDER, KIND_REQUEST, KIND_TEAM_OVERDUE
from policies.models import Acknowledgement, PolicyVersion
from portal.models import StaffProfile
from portal.notifications.kinds import get_kind
from portal.notifications.models import Notification, NotificationPreference
from tests.factories import make_staff

from .factories import VersionFactory, make_campaign

pytestmark = pytest.mark.django_db

EVERYONE = {"alice", "bob", "carol", "harry", "dora", "diane", "olga", "oscar"}


def usernames(campaign):
    return set(
        AcknowledgementRequest.objects.filter(campaign=campaign).values_list(
            "profile__user__username", flat=True
        )
    )


# --- Audience -----------------------------------------------------------------------------------------


def test_whole_institution_is_every_active_person(org, version, launch):
    org.oscar.is_active = False
    org.oscar.save()
    campaign = launch(make_campaign(version), org.user("harry"))
    assert usernames(campaign) == EVERYONE - {"oscar"}
    assert campaign.status == Campaign.Status.LAUNCHED
    assert campaign.launch_total == campaign.launch_done == 7


def test_chosen_directions(org, version, launch):
    campaign = make_campaign(version, audience=Campaign.Audience.TARGETED, directions=[org.care, org.tech])
    assert usernames(launch(campaign, org.user("harry"))) == {"alice", "bob", "carol", "olga", "oscar"}


def test_chosen_categories(org, version, launch):
    StaffProfile.objects.filter(pk__in=[org.alice.pk, org.oscar.pk]).update(
        category=StaffProfile.Category.MEDECIN
    )
    org.diane.category = StaffProfile.Category.STAGIAIRE
    org.diane.save()
    campaign = make_campaign(
        version,
        audience=Campaign.Audience.TARGETED,
        categories=[StaffProfile.Category.MEDECIN, StaffProfile.Category.STAGIAIRE],
    )
    assert usernames(launch(campaign, org.user("harry"))) == {"alice", "oscar", "diane"}


def test_directions_and_categories_together(org, version, launch):
    StaffProfile.objects.filter(pk__in=[org.alice.pk, org.oscar.pk]).update(
        category=StaffProfile.Category.MEDECIN
    )
    campaign = make_campaign(
        version,
        audience=Campaign.Audience.TARGETED,
        directions=[org.care],
        categories=[StaffProfile.Category.MEDECIN],
    )
    assert usernames(launch(campaign, org.user("harry"))) == {"alice"}


def test_inactive_staff_leave_the_counts(org, launched):
    from policies.campaigns.selectors import completion_summary

    requests = AcknowledgementRequest.objects.filter(campaign=launched, profile__is_active=True)
    assert completion_summary(requests).total == 8
    StaffProfile.objects.filter(pk=org.alice.pk).update(is_active=False)
    assert completion_summary(requests).total == 7


# --- Creating and launching --------------------------------------------------------------------------


def test_only_hr_creates_and_launches(org, version):
    kwargs = dict(
        version=version,
        title="T",
        audience=Campaign.Audience.INSTITUTION,
        due_on=timezone.localdate() + datetime.timedelta(days=10),
        reminder_every_days=7,
    )
    for name in ("alice", "bob", "carol", "diane", "dora"):
        with pytest.raises(PermissionDenied):
            services.campaign_create(actor=org.user(name), **kwargs)
    campaign = services.campaign_create(actor=org.user("harry"), **kwargs)
    with pytest.raises(PermissionDenied):
        services.campaign_launch(campaign=campaign, actor=org.user("carol"))
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT
    assert list(CampaignEvent.objects.filter(campaign=campaign).values_list("to_status", flat=True)) == [
        "draft"
    ]


def test_create_rejects_bad_input_and_changes_nothing(org, version):
    harry = org.user("harry")
    past = timezone.localdate()
    draft = VersionFactory(status=PolicyVersion.Status.DRAFT, approved_on=None, resolution_number="")
    cases = [
        dict(version=version, audience="targeted", due_on=past + datetime.timedelta(days=5)),
        dict(version=version, audience="institution", due_on=past),
        dict(version=draft, audience="institution", due_on=past + datetime.timedelta(days=5)),
        dict(
            version=version,
            audience="targeted",
            categories=["pilote"],
            due_on=past + datetime.timedelta(days=5),
        ),
    ]
    for case in cases:
        with pytest.raises(ValidationError):
            services.campaign_create(actor=harry, title="T", reminder_every_days=7, **case)
    assert not Campaign.objects.exists()


def test_version_must_require_acknowledgement(org):
    version = VersionFactory(requires_acknowledgement=False)
    with pytest.raises(ValidationError):
        services.campaign_create(
            actor=org.user("harry"),
            version=version,
            title="T",
            audience="institution",
            due_on=timezone.localdate() + datetime.timedelta(days=3),
            reminder_every_days=7,
        )


def test_launch_writes_one_request_and_one_notification_each(org, launched):
    requests = AcknowledgementRequest.objects.filter(campaign=launched)
    assert requests.count() == 8
    assert not requests.filter(notified_at=None).exists()
    notes = Notification.objects.filter(kind=KIND_REQUEST)
    assert notes.count() == 8
    alice_note = notes.get(recipient=org.user("alice"))
    alice_request = requests.get(profile=org.alice)
    assert alice_note.link == f"/campagnes/{launched.pk}/ma-demande/"
    assert alice_request.notified_at is not None
    assert alice_note.reference == launched.reference
    assert alice_note.target == launched
    assert alice_note.context == {"due_on": launched.due_on.isoformat()}
    # Delivered after commit (in-process here).
    assert alice_note.email_status == Notification.EmailStatus.SENT
    # The launcher is told when it is done.
    assert Notification.objects.filter(kind="campaigns.launched", recipient=org.user("harry")).count() == 1
    assert list(launched.events.values_list("to_status", flat=True)) == ["launching", "launched"]


def test_launch_is_idempotent(org, launched):
    before_requests = list(AcknowledgementRequest.objects.order_by("pk").values_list("pk", "profile_id"))
    before_notes = Notification.objects.filter(kind=KIND_REQUEST).count()
    # The task runs again (redelivered, or a second worker): nothing is duplicated.
    assert services.campaign_run_launch(campaign_id=launched.pk) == 0
    assert services.campaign_run_launch(campaign_id=launched.pk, batch_size=3) == 0
    assert (
        list(AcknowledgementRequest.objects.order_by("pk").values_list("pk", "profile_id")) == before_requests
    )
    assert Notification.objects.filter(kind=KIND_REQUEST).count() == before_notes == 8
    with pytest.raises(ValidationError):
        services.campaign_launch(campaign=launched, actor=org.user("harry"))


def test_interrupted_launch_resumes_without_duplicates(org, version):
    campaign = make_campaign(version)
    services.campaign_launch(campaign=campaign, actor=org.user("harry"))  # no commit hook: the task never ran
    # Half the work done by a first run that died.
    people = list(services.audience_profiles(campaign).order_by("pk").values_list("pk", "user_id"))[:4]
    services._write_requests(campaign, people, campaign.due_on)
    services.campaign_run_launch(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.LAUNCHED
    assert AcknowledgementRequest.objects.filter(campaign=campaign).count() == 8
    assert Notification.objects.filter(kind=KIND_REQUEST).values("recipient").distinct().count() == 8
    assert Notification.objects.filter(kind=KIND_REQUEST).count() == 8


def test_people_who_already_confirmed_get_a_satisfied_request_and_no_notification(org, version, launch):
    ack = services.acknowledgement_record(user=org.user("alice"), version=version, attestation="Lu")
    campaign = launch(make_campaign(version), org.user("harry"))
    request = AcknowledgementRequest.objects.get(campaign=campaign, profile=org.alice)
    assert request.acknowledgement == ack
    assert request.satisfied_at == ack.acknowledged_at
    assert not Notification.objects.filter(kind=KIND_REQUEST, recipient=org.user("alice")).exists()


# --- Acknowledging -----------------------------------------------------------------------------------


def test_acknowledgement_stores_who_when_and_the_text_hash(org, launched, version):
    ack = services.acknowledgement_record(user=org.user("alice"), version=version, attestation="J'atteste")
    assert ack.user == org.user("alice")
    assert ack.acknowledged_at is not None
    assert ack.text_hash == version.text_hash()
    assert len(ack.text_hash) == 64


def test_hash_changes_with_the_text(version):
    before = version.text_hash()
    section = version.sections.first()
    section.body += " Modifié."
    section.save()
    assert version.text_hash() != before


def test_confirming_again_never_edits(org, launched, version):
    first = services.acknowledgement_record(user=org.user("alice"), version=version, attestation="Première")
    again = services.acknowledgement_record(user=org.user("alice"), version=version, attestation="Seconde")
    assert again.pk == first.pk
    first.refresh_from_db()
    assert first.attestation == "Première"
    assert Acknowledgement.objects.count() == 1


def test_acknowledgement_that_satisfied_a_request_cannot_be_deleted(org, launched, version):
    ack = services.acknowledgement_record(user=org.user("alice"), version=version, attestation="Lu")
    with pytest.raises(ProtectedError):
        ack.delete()


def test_stale_text_and_missing_attestation_are_refused(org, launched, version):
    with pytest.raises(ValidationError):
        services.acknowledgement_record(user=org.user("alice"), version=version, attestation="  ")
    with pytest.raises(ValidationError):
        services.acknowledgement_record(
            user=org.user("alice"), version=version, attestation="Lu", expected_text_hash="0" * 64
        )
    superseded = VersionFactory(status=PolicyVersion.Status.SUPERSEDED)
    with pytest.raises(ValidationError):
        services.acknowledgement_record(user=org.user("alice"), version=superseded, attestation="Lu")
    assert not Acknowledgement.objects.exists()
    assert not AcknowledgementRequest.objects.filter(satisfied_at__isnull=False).exists()


def test_one_acknowledgement_satisfies_every_open_request_of_the_version(org, version, launch):
    harry = org.user("harry")
    first = launch(make_campaign(version), harry)
    second = launch(make_campaign(version, audience="targeted", directions=[org.care]), harry)
    other_version = VersionFactory(policy__number="20001", policy__title_fr="Autre")
    third = launch(make_campaign(other_version), harry)
    ack = services.acknowledgement_record(user=org.user("alice"), version=version, attestation="Lu")
    alice = AcknowledgementRequest.objects.filter(profile=org.alice)
    assert set(alice.filter(satisfied_at__isnull=False).values_list("campaign", flat=True)) == {
        first.pk,
        second.pk,
    }
    assert alice.get(campaign=third).satisfied_at is None
    assert set(alice.exclude(campaign=third).values_list("acknowledgement", flat=True)) == {ack.pk}


# --- Reminders ---------------------------------------------------------------------------------------


def test_reminder_kind_follows_the_digest_preference(org):
    assert get_kind(KIND_REMINDER).reminder is True
    assert get_kind(KIND_REQUEST).reminder is False


def test_reminders_on_the_rhythm_to_people_not_confirmed(org, launched, version, time_machine):
    services.acknowledgement_record(user=org.user("alice"), version=version, attestation="Lu")
    NotificationPreference.objects.create(
        user=org.user("bob"), reminders=NotificationPreference.Reminders.DIGEST
    )
    start = timezone.now()
    # Before the rhythm: nothing.
    time_machine.move_to(start + datetime.timedelta(days=6), tick=False)
    assert services.send_due_reminders()["reminders"] == 0
    time_machine.move_to(start + datetime.timedelta(days=7, hours=1), tick=False)
    assert services.send_due_reminders()["reminders"] == 7
    reminders = Notification.objects.filter(kind=KIND_REMINDER)
    assert set(reminders.values_list("recipient__username", flat=True)) == EVERYONE - {"alice"}
    # Bob chose the daily digest: his reminder waits for it; the others go out one by one.
    bob = reminders.get(recipient=org.user("bob"))
    assert bob.email_status == Notification.EmailStatus.DIGEST and bob.digest
    assert not reminders.exclude(recipient=org.user("bob")).filter(digest=True).exists()
    # Same day, second run: nothing more. Next rhythm: again.
    assert services.send_due_reminders()["reminders"] == 0
    time_machine.move_to(start + datetime.timedelta(days=14, hours=2), tick=False)
    assert services.send_due_reminders()["reminders"] == 7
    assert reminders.count() == 14


def test_no_reminders_for_closed_campaigns(org, launched, time_machine):
    services.campaign_close(campaign=launched, actor=org.user("harry"))
    time_machine.move_to(timezone.now() + datetime.timedelta(days=8), tick=False)
    assert services.send_due_reminders() == {"reminders": 0, "notices": 0, "resumed": 0}


def test_manager_overdue_notice_exactly_once(
    org, version, launch, time_machine, mailoutbox, django_capture_on_commit_callbacks
):
    campaign = launch(make_campaign(version, due_in_days=5, rhythm=30), org.user("harry"))
    services.acknowledgement_record(user=org.user("diane"), version=version, attestation="Lu")
    start = timezone.now()
    time_machine.move_to(start + datetime.timedelta(days=5), tick=False)  # the due date itself: not yet
    assert services.send_due_reminders()["notices"] == 0
    time_machine.move_to(start + datetime.timedelta(days=6), tick=False)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        # bob, carol, olga; dora's team (diane) confirmed
        assert services.send_due_reminders()["notices"] == 3
    bob_mail = next(m for m in mailoutbox if m.to == [org.user("bob").email])
    assert "1 membre(s) de votre équipe" in bob_mail.body
    assert "Alice" not in bob_mail.body and "Alice" not in bob_mail.alternatives[0][0]
    assert f"/campagnes/{campaign.pk}/equipe/" in bob_mail.body
    time_machine.move_to(start + datetime.timedelta(days=7), tick=False)
    assert services.send_due_reminders()["notices"] == 0
    notices = Notification.objects.filter(kind=KIND_TEAM_OVERDUE)
    assert {n.recipient.username: n.context["count"] for n in notices} == {"bob": 1, "carol": 1, "olga": 1}
    # Counts and a link to the team page, never a name.
    for notice in notices:
        assert notice.link == f"/campagnes/{campaign.pk}/equipe/"
        assert set(notice.context) == {"count", "due_on"}


def test_team_reminder_is_rate_limited(org, launched, time_machine):
    bob = org.user("bob")
    assert services.campaign_remind_team(campaign=launched, actor=bob) == 1
    with pytest.raises(ValidationError):
        services.campaign_remind_team(campaign=launched, actor=bob)
    time_machine.move_to(timezone.now() + datetime.timedelta(hours=25), tick=False)
    assert services.campaign_remind_team(campaign=launched, actor=bob) == 1
    assert Notification.objects.filter(kind=KIND_REMINDER, recipient=org.user("alice")).count() == 2


# --- New staff ---------------------------------------------------------------------------------------


def test_new_staff_join_the_open_campaigns_that_cover_them(org, version, launch):
    harry = org.user("harry")
    everyone = launch(make_campaign(version), harry)
    care_only = launch(make_campaign(version, audience="targeted", directions=[org.care]), harry)
    nurse = make_staff("nina", org.care, manager=org.bob)
    tech = make_staff("theo", org.tech, manager=org.olga)
    services.enrol_new_staff([nurse.pk, tech.pk])
    assert set(nurse.acknowledgement_requests.values_list("campaign", flat=True)) == {
        everyone.pk,
        care_only.pk,
    }
    assert set(tech.acknowledgement_requests.values_list("campaign", flat=True)) == {everyone.pk}
    request = nurse.acknowledgement_requests.get(campaign=everyone)
    # New staff get time to read: at least the configured number of days.
    assert request.due_on >= timezone.localdate() + datetime.timedelta(days=30)
    assert Notification.objects.filter(kind=KIND_REQUEST, recipient=nurse.user).count() == 2
    # The hook runs again (the import re-run): nothing duplicated.
    services.enrol_new_staff([nurse.pk, tech.pk])
    assert nurse.acknowledgement_requests.count() == 2
    assert Notification.objects.filter(kind=KIND_REQUEST, recipient=nurse.user).count() == 2


def test_new_staff_without_an_open_campaign_get_the_standing_one(org, version):
    newcomer = make_staff("nora", org.tech)
    services.enrol_new_staff([newcomer.pk])
    request = newcomer.acknowledgement_requests.get()
    assert request.campaign.is_continuous and request.campaign.version == version
    other = make_staff("noah", org.care)
    services.enrol_new_staff([other.pk])
    assert other.acknowledgement_requests.get().campaign == request.campaign
    assert Campaign.objects.filter(is_continuous=True).count() == 1


def test_new_staff_hook_is_wired_to_the_organisation(org, version, launched):
    from portal.services import staff_after_create

    newcomer = make_staff("nadia", org.care)
    staff_after_create(profile_ids=[newcomer.pk])
    assert newcomer.acknowledgement_requests.filter(campaign=launched).exists()


def test_inactive_or_versionless_enrolment_does_nothing(org, version):
    gone = make_staff("gaston", org.care, is_active=False)
    services.enrol_new_staff([gone.pk])
    PolicyVersion.objects.update(requires_acknowledgement=False)
    fresh = make_staff("fanny", org.care)
    services.enrol_new_staff([fresh.pk])
    assert not AcknowledgementRequest.objects.exists()
