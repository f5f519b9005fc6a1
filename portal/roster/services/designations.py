"""Designations of authorized users (§6.3, §7.3, §7.4): designate, renew, confirm, refuse, revoke, remind."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import StaffProfile
from portal.notifications.services import notify_people
from portal.roles import dcai_officers, roles_for
from portal.workflow import lock, record_event, transition

from .. import rules
from ..models import Designation, DesignationEvent, OfficialAccount
from ..rules import DESIGNATION_WORKFLOW
from ..selectors import acknowledgement_blocker, policy_links
from .common import (
    Audience,
    lock_designation,
    lock_designation_pk,
    notification_context,
    required_text,
    today,
    validate_period,
)

Status = Designation.Status
Action = DesignationEvent.Action

# A reminder to acknowledge the policy is sent at most once in this many hours per designation.
ACKNOWLEDGEMENT_REMINDER_HOURS = 24


@dataclass(frozen=True)
class DesignationData:
    accounts: list[OfficialAccount]
    role: str
    justification: str
    start_date: datetime.date
    end_date: datetime.date


def _check_accounts(accounts: Iterable[OfficialAccount]) -> list[OfficialAccount]:
    accounts = list(accounts)
    if not accounts:
        raise ValidationError({"accounts": _("Choisissez au moins un compte officiel.")})
    if any(not account.is_active for account in accounts):
        raise ValidationError({"accounts": _("Un compte officiel choisi n'est plus actif.")})
    return accounts


def _check_no_overlap(
    *, profile: StaffProfile, accounts: list[OfficialAccount], start_date, end_date, exclude_pk=None
) -> None:
    overlapping = Designation.objects.filter(
        profile=profile,
        status__in=Designation.OPEN_STATUSES,
        accounts__in=accounts,
        start_date__lte=end_date,
        end_date__gte=start_date,
    )
    if exclude_pk is not None:
        overlapping = overlapping.exclude(pk=exclude_pk)
    if overlapping.exists():
        raise ValidationError(
            {
                "accounts": _(
                    "Cette personne est déjà désignée (ou en attente) "
                    "pour l'un de ces comptes sur cette période."
                )
            }
        )


def _check_designation_data(
    data: DesignationData, *, profile: StaffProfile, exclude_pk: int | None = None
) -> DesignationData:
    accounts = _check_accounts(data.accounts)
    if data.role not in Designation.Role.values:
        raise ValidationError({"role": _("Choisissez un rôle valide.")})
    justification = required_text(data.justification, _("Indiquez la justification de la désignation."))
    validate_period(start_date=data.start_date, end_date=data.end_date)
    _check_no_overlap(
        profile=profile,
        accounts=accounts,
        start_date=data.start_date,
        end_date=data.end_date,
        exclude_pk=exclude_pk,
    )
    return DesignationData(
        accounts=accounts,
        role=data.role,
        justification=justification,
        start_date=data.start_date,
        end_date=data.end_date,
    )


def _new_designation(
    *, profile, data: DesignationData, actor: AbstractBaseUser, renewal_of: Designation | None = None
) -> Designation:
    designation = Designation.objects.create(
        profile=profile,
        direction=profile.direction if renewal_of is None else renewal_of.direction,
        role=data.role,
        justification=data.justification,
        start_date=data.start_date,
        end_date=data.end_date,
        designated_by=actor,
        renewal_of=renewal_of,
    )
    designation.accounts.set(data.accounts)
    record_event(
        designation,
        actor=actor,
        before="",
        after=designation.status,
        note=renewal_of.reference if renewal_of is not None else "",
        action=Action.CREATED if renewal_of is None else Action.RENEWAL_CREATED,
    )
    return designation


def designation_create(
    *, actor: AbstractBaseUser, profile: StaffProfile, data: DesignationData
) -> Designation:
    """§7.4: a direction designates authorized users within it "et en informe la DCAI".

    Only the head or a delegate of the person's own direction may designate them. DCAI is notified at once.
    """
    if not rules.may_designate_in(roles_for(actor), profile.direction_id):
        raise PermissionDenied
    with transaction.atomic():
        profile = lock(StaffProfile(pk=profile.pk), "user", "direction")
        if not rules.may_designate_in(roles_for(actor), profile.direction_id):
            raise PermissionDenied
        if not (profile.is_active and profile.user.is_active):
            raise ValidationError({"profile": _("Cette personne ne fait plus partie du personnel actif.")})
        data = _check_designation_data(data, profile=profile)
        designation = _new_designation(profile=profile, data=data, actor=actor)
        notify_people(
            "roster.designation_submitted",
            dcai_officers(),
            target=designation,
            actor=actor,
            context=notification_context(designation),
        )
    return designation


def designation_renew(
    *, designation: Designation, actor: AbstractBaseUser, data: DesignationData
) -> Designation:
    """§7.4: renewing is a new designation period, linked to the previous one and confirmed by DCAI again
    (docs/rules.md); it starts after the current period, for a person still in the designating direction."""
    with transaction.atomic():
        previous = lock(designation, "profile__user", "profile__direction", "direction")
        has_live_renewal = previous.renewals.filter(status__in=Designation.OPEN_STATUSES).exists()
        rules.require(rules.renew_refusal(roles_for(actor), previous, has_live_renewal=has_live_renewal))
        if previous.status == Status.ACTIVE and data.start_date <= previous.end_date:
            raise ValidationError(
                {
                    "start_date": _(
                        "Le renouvellement commence après la fin de la période en cours (%(date)s)."
                    )
                    % {"date": previous.end_date.isoformat()}
                }
            )
        data = _check_designation_data(data, profile=previous.profile, exclude_pk=previous.pk)
        renewal = _new_designation(profile=previous.profile, data=data, actor=actor, renewal_of=previous)
        notify_people(
            "roster.renewal_submitted",
            dcai_officers(),
            target=renewal,
            actor=actor,
            context=notification_context(renewal),
        )
    return renewal


def designation_confirm(
    *, designation: Designation, actor: AbstractBaseUser, comment: str = ""
) -> Designation:
    """§6.3 and §7.3: DCAI confirms the designation (rules.confirm_refusal: four eyes, period not over,
    person on staff); the person must have acknowledged the version in force (§6.3 with §7.5).

    The person is then told, with links to the obligations of §6.3 and to the netiquette (annex 1).
    """
    with transaction.atomic():
        designation = lock_designation(designation)
        rules.require(rules.confirm_refusal(roles_for(actor), actor, designation, today=today()))
        blocker = acknowledgement_blocker(designation.profile.user)
        if blocker:
            raise ValidationError(blocker, code="not_acknowledged")
        designation.decided_by = actor
        designation.decided_at = timezone.now()
        designation.decision_comment = (comment or "").strip()
        transition(
            designation,
            workflow=DESIGNATION_WORKFLOW,
            action="confirm",
            actor=actor,
            note=designation.decision_comment,
            update_fields=["decided_by", "decided_at", "decision_comment"],
            event={"action": Action.CONFIRMED},
        )
        links = policy_links()
        context = notification_context(
            designation,
            obligations_url=links["obligations_url"],
            netiquette_url=links["netiquette_url"],
            designation_url=designation.get_absolute_url(),
        )
        notify_people(
            "roster.designation_active",
            [designation.profile.user],
            target=designation,
            actor=actor,
            context=context,
            link=links["obligations_url"],
        )
        notify_people(
            "roster.designation_confirmed",
            Audience().leads_or_dcai(designation.direction_id),
            target=designation,
            actor=actor,
            context=notification_context(designation),
        )
    return designation


def designation_refuse(*, designation: Designation, actor: AbstractBaseUser, comment: str) -> Designation:
    """§7.3: DCAI refuses a designation, saying why to the designating direction."""
    comment = required_text(comment, _("Indiquez la raison du refus."))
    with transaction.atomic():
        designation = lock_designation(designation)
        rules.require(rules.refuse_refusal(roles_for(actor), designation))
        designation.decided_by = actor
        designation.decided_at = timezone.now()
        designation.decision_comment = comment
        transition(
            designation,
            workflow=DESIGNATION_WORKFLOW,
            action="refuse",
            actor=actor,
            note=comment,
            update_fields=["decided_by", "decided_at", "decision_comment"],
            event={"action": Action.REFUSED},
        )
        notify_people(
            "roster.designation_refused",
            [*Audience().leads_or_dcai(designation.direction_id), designation.designated_by_id],
            target=designation,
            actor=actor,
            context=notification_context(designation),
        )
    return designation


def designation_revoke(
    *, designation: Designation, actor: AbstractBaseUser | None, reason: str
) -> Designation:
    """§7.4 and §7.3: the designating direction or DCAI withdraws a designation at any time, with a reason.

    `actor` None is the portal itself (the person left the institution). A renewal under way goes with it.
    """
    return _revoke(designation=designation, actor=actor, reason=reason, audience=Audience())


def _revoke(
    *, designation: Designation, actor: AbstractBaseUser | None, reason: str, audience: Audience
) -> Designation:
    reason = required_text(reason, _("Indiquez le motif de la révocation."))
    with transaction.atomic():
        designation = lock_designation(designation)
        rules.require(rules.revoke_refusal(roles_for(actor) if actor is not None else None, designation))
        was_active = designation.status == Status.ACTIVE
        designation.revoked_by = actor
        designation.revoked_at = timezone.now()
        designation.revocation_reason = reason
        transition(
            designation,
            workflow=DESIGNATION_WORKFLOW,
            action="revoke",
            actor=actor,
            note=reason,
            update_fields=["revoked_by", "revoked_at", "revocation_reason"],
            event={"action": Action.REVOKED},
        )
        recipients = [*audience.leads(designation.direction_id), *audience.dcai()]
        if was_active and rules.person_is_active(designation):
            recipients.append(designation.profile.user)
        notify_people(
            "roster.designation_revoked",
            recipients,
            target=designation,
            actor=actor,
            context=notification_context(designation),
        )
        # A renewal under way for a withdrawn designation goes with it.
        for renewal in designation.renewals.filter(status__in=Designation.OPEN_STATUSES):
            _revoke(designation=renewal, actor=actor, reason=reason, audience=audience)
    return designation


def designation_remind_acknowledgement(*, designation: Designation, actor: AbstractBaseUser) -> bool:
    """§6.3 with §7.5: ask the designated person to acknowledge the policy in force so DCAI can confirm.

    Returns False (and sends nothing) when a reminder already went out in the last 24 hours.
    """
    with transaction.atomic():
        designation = lock_designation(designation)
        rules.require(rules.remind_refusal(roles_for(actor), designation))
        person = designation.profile.user
        if not acknowledgement_blocker(person):
            raise ValidationError(_("Cette personne a déjà pris connaissance de la version en vigueur."))
        since = timezone.now() - datetime.timedelta(hours=ACKNOWLEDGEMENT_REMINDER_HOURS)
        if designation.events.filter(action=Action.ACKNOWLEDGEMENT_REMINDER, created_at__gte=since).exists():
            return False
        transition(
            designation,
            workflow=DESIGNATION_WORKFLOW,
            action="remind",
            actor=actor,
            event={"action": Action.ACKNOWLEDGEMENT_REMINDER},
        )
        notify_people(
            "roster.acknowledgement_requested",
            [person],
            target=designation,
            actor=actor,
            context=notification_context(designation),
            link=policy_links()["policy_url"],
        )
    return True


def designations_revoke_for_departed(profile_ids: list[int]) -> None:
    """§6.3: a person who leaves the institution is no longer an authorized user (organisation hook)."""
    ids = list(
        Designation.objects.filter(
            profile_id__in=list(profile_ids), status__in=Designation.OPEN_STATUSES
        ).values_list("pk", flat=True)
    )
    audience = Audience()
    for pk in ids:
        revoke_departed(pk, audience)


def revoke_departed(pk: int, audience: Audience) -> bool:
    """Revoke one open designation of a person who left (the portal acts); False when already closed."""
    with transaction.atomic():
        designation = lock_designation_pk(pk)
        if designation is None or not DESIGNATION_WORKFLOW.allows(designation.status, "revoke"):
            return False
        _revoke(
            designation=designation,
            actor=None,
            reason=_("Départ de l'établissement : profil d'intervenant désactivé."),
            audience=audience,
        )
    return True
