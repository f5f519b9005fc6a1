import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from policies.models import Section
from portal.notifications.models import Notification
from portal.permissions import direction_delegate_add
from portal.roster import services
from portal.roster.models import Designation, DesignationEvent, OfficialAccount
from portal.services import staff_after_deactivate
from tests.factories import make_staff

from .factories import acknowledge

Status = Designation.Status
TZ = zoneinfo.ZoneInfo("America/Toronto")


def data(
    accounts, *, start=None, end=None, role="publisher", justification="Publier les nouvelles de l'unité"
):
    start = start or timezone.localdate()
    return services.DesignationData(
        accounts=list(accounts),
        role=role,
        justification=justification,
        start_date=start,
        end_date=end or start + datetime.timedelta(days=180),
    )


def recipients(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


@pytest.fixture
def designate(org, accounts):
    def _designate(person="alice", actor="carol", **kwargs):
        return services.designation_create(
            actor=org.user(actor), profile=getattr(org, person), data=data([accounts["facebook"]], **kwargs)
        )

    return _designate


# --- Who may designate whom (§7.4) -----------------------------------------------------------------


def test_direction_head_designates_own_staff_and_dcai_is_told_at_once(org, designate):
    designation = designate()
    assert designation.status == Status.PENDING
    assert designation.direction == org.care
    assert designation.designated_by == org.user("carol")
    assert list(designation.accounts.all()) == [org.dcai.official_accounts.get(handle="CHUMontreal")]
    event = designation.events.get()
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        "created",
        "",
        "pending",
        org.user("carol"),
    )
    assert recipients("roster.designation_submitted") == {"diane", "dora"}
    notification = Notification.objects.filter(kind="roster.designation_submitted").first()
    assert notification.reference == designation.reference
    assert notification.link == designation.get_absolute_url()
    assert "alice" not in str(notification.context).lower()


def test_delegate_may_designate_for_the_direction(org, accounts):
    direction_delegate_add(user=org.user("bob"), direction=org.care)
    designation = services.designation_create(
        actor=org.user("bob"), profile=org.alice, data=data([accounts["facebook"]])
    )
    assert designation.designated_by == org.user("bob")


def test_head_of_another_direction_cannot_designate_your_staff(org, accounts):
    org.tech.head = org.user("olga")
    org.tech.save()
    with pytest.raises(PermissionDenied):
        services.designation_create(
            actor=org.user("olga"), profile=org.alice, data=data([accounts["facebook"]])
        )
    assert not Designation.objects.exists()
    assert not Notification.objects.exists()


@pytest.mark.parametrize("actor", ["alice", "bob", "diane", "harry", "oscar"])
def test_people_who_do_not_lead_the_direction_cannot_designate(org, accounts, actor):
    with pytest.raises(PermissionDenied):
        services.designation_create(
            actor=org.user(actor), profile=org.alice, data=data([accounts["facebook"]])
        )
    assert not Designation.objects.exists()


def test_inactive_account_or_no_account_is_refused(org, accounts):
    with pytest.raises(ValidationError) as excinfo:
        services.designation_create(actor=org.user("carol"), profile=org.alice, data=data([accounts["old"]]))
    assert "accounts" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        services.designation_create(actor=org.user("carol"), profile=org.alice, data=data([]))
    assert not Designation.objects.exists()


def test_same_account_twice_on_overlapping_periods_is_refused(org, designate):
    designate()
    with pytest.raises(ValidationError):
        designate()
    assert Designation.objects.count() == 1


# --- End date limit -----------------------------------------------------------------------------------


def test_end_date_at_most_one_year_after_start(org, designate):
    today = timezone.localdate()
    one_year = (
        today.replace(year=today.year + 1)
        if not (today.month == 2 and today.day == 29)
        else today.replace(year=today.year + 1, day=28)
    )
    assert designate(end=one_year).end_date == one_year
    with pytest.raises(ValidationError) as excinfo:
        designate(person="bob", end=one_year + datetime.timedelta(days=1))
    assert "end_date" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        designate(person="bob", end=today - datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        designate(person="bob", start=today - datetime.timedelta(days=3))


LEAP_DAY = datetime.date(2028, 2, 29)


def test_leap_day_start_ends_on_28_february_in_the_service(org, designate):
    """portal.dates.add_years: a period from 29 February 2028 ends on 28 February 2029 at the latest."""
    with time_machine.travel(datetime.datetime(2028, 2, 29, 9, tzinfo=TZ), tick=False):
        with pytest.raises(ValidationError) as excinfo:
            designate(start=LEAP_DAY, end=datetime.date(2029, 3, 1))
        assert "2029-02-28" in excinfo.value.message_dict["end_date"][0]
        assert designate(start=LEAP_DAY, end=datetime.date(2029, 2, 28)).end_date == datetime.date(2029, 2, 28)


def _raw_designation(org, start, end):
    return Designation.objects.create(
        profile=org.alice,
        direction=org.care,
        role="publisher",
        justification="x",
        start_date=start,
        end_date=end,
        designated_by=org.user("carol"),
    )


def test_database_refuses_a_period_longer_than_a_year(org, accounts):
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_designation(org, datetime.date(2030, 1, 1), datetime.date(2031, 1, 2))
    assert _raw_designation(org, datetime.date(2030, 1, 1), datetime.date(2031, 1, 1))


def test_database_applies_the_same_leap_day_rule(org, accounts):
    """The check constraint (portal.dates.AddYears) says what the service says: 28 February, not 1 March."""
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_designation(org, LEAP_DAY, datetime.date(2029, 3, 1))
    assert _raw_designation(org, LEAP_DAY, datetime.date(2029, 2, 28))


# --- Confirmation by DCAI and the acknowledgement prerequisite (§6.3, §7.3) -------------------------


def test_dcai_confirms_and_the_person_is_told_with_the_obligations(org, designate, acknowledged):
    designation = designate()
    Notification.objects.all().delete()
    services.designation_confirm(designation=designation, actor=org.user("diane"), comment="Bienvenue")
    designation.refresh_from_db()
    assert designation.status == Status.ACTIVE
    assert designation.decided_by == org.user("diane") and designation.decided_at
    assert designation.events.last().action == "confirmed"
    active = Notification.objects.get(kind="roster.designation_active")
    assert active.recipient == org.user("alice")
    # The anchor the reading page gives section 6.3 (no text loaded here: the same rule, "s-6-3").
    assert active.link.startswith("/politiques/") and active.link.endswith("#" + Section(number="6.3").anchor)
    assert active.link.endswith("#s-6-3")
    assert "#s-annexe-1" in active.context["netiquette_url"]
    # The direction learns of the decision; the officer who confirmed is not told of her own act.
    assert recipients("roster.designation_confirmed") == {"carol"}


@pytest.mark.parametrize("actor", ["carol", "bob", "alice", "harry", "oscar"])
def test_only_dcai_confirms(org, designate, acknowledged, actor):
    designation = designate()
    with pytest.raises(PermissionDenied):
        services.designation_confirm(designation=designation, actor=org.user(actor))
    designation.refresh_from_db()
    assert designation.status == Status.PENDING
    assert not Notification.objects.filter(kind="roster.designation_active").exists()


def test_person_who_has_not_acknowledged_the_version_in_force_cannot_be_confirmed(org, designate, version):
    designation = designate()
    with pytest.raises(ValidationError) as excinfo:
        services.designation_confirm(designation=designation, actor=org.user("diane"))
    assert excinfo.value.code == "not_acknowledged"
    assert "pris connaissance" in excinfo.value.messages[0]
    designation.refresh_from_db()
    assert designation.status == Status.PENDING
    assert designation.events.count() == 1
    acknowledge(org.user("alice"), version)
    services.designation_confirm(designation=designation, actor=org.user("diane"))
    designation.refresh_from_db()
    assert designation.status == Status.ACTIVE


def test_acknowledging_an_older_version_is_not_enough(org, designate, version):
    from policies.models import PolicyVersion

    acknowledge(org.user("alice"), version)
    version.status = PolicyVersion.Status.SUPERSEDED
    version.save()
    PolicyVersion.objects.create(
        policy=version.policy,
        label="2025",
        status=PolicyVersion.Status.IN_FORCE,
        approved_on=datetime.date(2025, 1, 1),
        resolution_number="RCA 2025-01-1",
    )
    designation = designate()
    with pytest.raises(ValidationError):
        services.designation_confirm(designation=designation, actor=org.user("diane"))


def test_nobody_confirms_their_own_designation(org, accounts, version):
    acknowledge(org.user("diane"), version)
    designation = services.designation_create(
        actor=org.user("dora"), profile=org.diane, data=data([accounts["x"]])
    )
    assert recipients("roster.designation_submitted") == {"diane"}
    # Who may confirm is a question of person (403), the same rule the page asks (rules.confirm_refusal).
    with pytest.raises(PermissionDenied, match="propre désignation"):
        services.designation_confirm(designation=designation, actor=org.user("diane"))
    # Dora designated her, so another DCAI officer confirms (four eyes).
    with pytest.raises(PermissionDenied, match="autre personne"):
        services.designation_confirm(designation=designation, actor=org.user("dora"))
    colleague = make_staff("dylan", org.dcai)
    services.designation_confirm(designation=designation, actor=colleague.user)
    designation.refresh_from_db()
    assert designation.status == "active"


def test_remind_acknowledgement_notifies_the_person_once_a_day(org, designate, version):
    designation = designate()
    assert services.designation_remind_acknowledgement(designation=designation, actor=org.user("diane"))
    assert not services.designation_remind_acknowledgement(designation=designation, actor=org.user("carol"))
    assert recipients("roster.acknowledgement_requested") == {"alice"}
    assert Notification.objects.filter(kind="roster.acknowledgement_requested").count() == 1
    assert designation.events.filter(action="acknowledgement_reminder").count() == 1
    with pytest.raises(PermissionDenied):
        services.designation_remind_acknowledgement(designation=designation, actor=org.user("oscar"))


def test_no_reminder_once_acknowledged(org, designate, acknowledged):
    with pytest.raises(ValidationError):
        services.designation_remind_acknowledgement(designation=designate(), actor=org.user("diane"))


# --- Refusal and revocation ---------------------------------------------------------------------------


def test_dcai_refuses_with_a_comment_and_the_direction_is_told(org, designate):
    designation = designate()
    with pytest.raises(ValidationError):
        services.designation_refuse(designation=designation, actor=org.user("diane"), comment="  ")
    with pytest.raises(PermissionDenied):
        services.designation_refuse(designation=designation, actor=org.user("carol"), comment="non")
    services.designation_refuse(
        designation=designation, actor=org.user("diane"), comment="Compte réservé à la DCAI"
    )
    designation.refresh_from_db()
    assert designation.status == Status.REFUSED
    assert designation.decision_comment == "Compte réservé à la DCAI"
    assert recipients("roster.designation_refused") == {"carol"}
    # Final: it cannot be confirmed afterwards.
    with pytest.raises(ValidationError):
        services.designation_confirm(designation=designation, actor=org.user("diane"))


@pytest.mark.parametrize("actor", ["carol", "diane"])
def test_direction_or_dcai_revokes_with_a_reason(org, designate, acknowledged, actor):
    designation = designate()
    services.designation_confirm(designation=designation, actor=org.user("dora"))
    Notification.objects.all().delete()
    with pytest.raises(ValidationError):
        services.designation_revoke(designation=designation, actor=org.user(actor), reason="")
    services.designation_revoke(designation=designation, actor=org.user(actor), reason="Changement de poste")
    designation.refresh_from_db()
    assert designation.status == Status.REVOKED
    assert (
        designation.revoked_by == org.user(actor) and designation.revocation_reason == "Changement de poste"
    )
    assert recipients("roster.designation_revoked") == {"alice", "carol", "diane", "dora"} - {actor}
    event = designation.events.last()
    assert (event.from_status, event.to_status, event.note) == ("active", "revoked", "Changement de poste")


@pytest.mark.parametrize("actor", ["alice", "bob", "oscar", "harry"])
def test_others_cannot_revoke(org, designate, actor):
    designation = designate()
    with pytest.raises(PermissionDenied):
        services.designation_revoke(designation=designation, actor=org.user(actor), reason="x")


def test_leaving_the_institution_revokes_through_the_hook(org, designate, acknowledged):
    active = designate()
    services.designation_confirm(designation=active, actor=org.user("diane"))
    pending = designate(
        person="alice",
        start=active.end_date + datetime.timedelta(days=1),
        end=active.end_date + datetime.timedelta(days=30),
    )
    other = designate(person="bob")
    Notification.objects.all().delete()
    org.alice.is_active = False
    org.alice.save()
    staff_after_deactivate(profile_ids=[org.alice.pk])
    for designation in (active, pending):
        designation.refresh_from_db()
        assert designation.status == Status.REVOKED
        assert designation.revoked_by is None and "Départ" in designation.revocation_reason
        assert designation.events.last().actor is None
    other.refresh_from_db()
    assert other.status == Status.PENDING
    # The direction and DCAI learn of it; the person who left is not written to.
    assert recipients("roster.designation_revoked") == {"carol", "diane", "dora"}
    # Idempotent: calling the hook again changes nothing.
    services.designations_revoke_for_departed([org.alice.pk])
    assert DesignationEvent.objects.filter(action="revoked").count() == 2


# --- Renewal -----------------------------------------------------------------------------------------


def test_renewal_is_a_new_period_linked_and_confirmed_again(org, designate, acknowledged):
    previous = designate()
    services.designation_confirm(designation=previous, actor=org.user("diane"))
    Notification.objects.all().delete()
    start = previous.end_date + datetime.timedelta(days=1)
    with pytest.raises(ValidationError):  # overlapping the current period
        services.designation_renew(
            designation=previous,
            actor=org.user("carol"),
            data=data([org.dcai.official_accounts.get(handle="CHUMontreal")], start=previous.end_date),
        )
    renewal = services.designation_renew(
        designation=previous,
        actor=org.user("carol"),
        data=data(previous.accounts.all(), start=start, end=start + datetime.timedelta(days=200)),
    )
    assert renewal.renewal_of == previous and renewal.status == Status.PENDING
    assert renewal.events.get().action == "renewal_created"
    assert recipients("roster.renewal_submitted") == {"diane", "dora"}
    with pytest.raises(ValidationError):  # only one live renewal
        services.designation_renew(
            designation=previous, actor=org.user("carol"), data=data(previous.accounts.all(), start=start)
        )
    with pytest.raises(PermissionDenied):
        services.designation_renew(
            designation=previous, actor=org.user("diane"), data=data(previous.accounts.all(), start=start)
        )
    services.designation_confirm(designation=renewal, actor=org.user("diane"))
    renewal.refresh_from_db()
    assert renewal.status == Status.ACTIVE


def test_refused_designation_cannot_be_renewed(org, designate):
    designation = designate()
    services.designation_refuse(designation=designation, actor=org.user("diane"), comment="Non")
    with pytest.raises(ValidationError):
        services.designation_renew(
            designation=designation, actor=org.user("carol"), data=data(designation.accounts.all())
        )


# --- Official accounts (§7.3) -------------------------------------------------------------------------


def test_only_dcai_manages_official_accounts(org):
    payload = services.AccountData(
        platform="linkedin", handle="chum", url="https://linkedin.com/company/chum", direction=org.dcai
    )
    for actor in ("carol", "alice", "oscar"):
        with pytest.raises(PermissionDenied):
            services.official_account_create(actor=org.user(actor), data=payload)
    account = services.official_account_create(actor=org.user("diane"), data=payload)
    with pytest.raises(ValidationError):
        services.official_account_create(actor=org.user("diane"), data=payload)
    services.official_account_update(
        account=account,
        actor=org.user("diane"),
        data=services.AccountData(
            platform="linkedin",
            handle="chum",
            url="https://linkedin.com/company/chum",
            direction=org.dcai,
            is_active=False,
        ),
    )
    assert not OfficialAccount.objects.get(pk=account.pk).is_active
    with pytest.raises(ValidationError):
        services.official_account_create(
            actor=org.user("diane"),
            data=services.AccountData(
                platform="x", handle="a", url="javascript:alert(1)", direction=org.dcai
            ),
        )


def test_is_authorized_user_only_with_a_confirmed_designation_in_force(org, designate, acknowledged):
    from django.contrib.auth.models import AnonymousUser

    from portal.roster.selectors import is_authorized_user

    designation = designate()
    assert not is_authorized_user(org.user("alice"))
    services.designation_confirm(designation=designation, actor=org.user("diane"))
    assert is_authorized_user(org.user("alice"))
    assert not is_authorized_user(org.user("bob")) and not is_authorized_user(AnonymousUser())
    services.designation_revoke(designation=designation, actor=org.user("carol"), reason="Fin du mandat")
    assert not is_authorized_user(org.user("alice"))


def test_an_account_named_by_a_designation_cannot_be_deleted(org, designate, accounts):
    from django.db.models import ProtectedError

    designate()
    with pytest.raises(ProtectedError):
        accounts["facebook"].delete()
    with pytest.raises(ProtectedError):
        Designation.objects.get().delete()


def test_revoking_a_designation_withdraws_its_renewal_under_way(org, designate, acknowledged):
    previous = designate()
    services.designation_confirm(designation=previous, actor=org.user("diane"))
    start = previous.end_date + datetime.timedelta(days=1)
    renewal = services.designation_renew(
        designation=previous, actor=org.user("carol"), data=data(previous.accounts.all(), start=start)
    )
    services.designation_revoke(designation=previous, actor=org.user("diane"), reason="Fin du projet")
    renewal.refresh_from_db()
    assert renewal.status == Status.REVOKED and renewal.revocation_reason == "Fin du projet"
