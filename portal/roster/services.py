"""Writes of the authorized-user roster (§6.3, §7.3, §7.4 of policy 10 974).

Each state change locks the designation, checks the allowed transition, writes the change and an
event row, and queues notifications, in one transaction. Refusals raise PermissionDenied (who) or
ValidationError (what); nothing is written then.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import Direction, StaffProfile
from portal.notifications.services import notify
from portal.roles import dcai_officers, direction_leads, roles_for

from . import rules
from .links import obligation_links, policy_url
from .models import Designation, DesignationEvent, OfficialAccount, max_end_date

logger = logging.getLogger(__name__)

Status = Designation.Status
Action = DesignationEvent.Action

RENEWAL_NOTICE_DAYS = 30
# A reminder to acknowledge the policy is sent at most once in this many hours per designation.
ACKNOWLEDGEMENT_REMINDER_HOURS = 24


# --- Helpers ----------------------------------------------------------------------------------------


def _today() -> datetime.date:
    return timezone.localdate()


def _required_text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(message, code="required")
    return value


def validate_period(
    *, start_date: datetime.date, end_date: datetime.date, today: datetime.date | None = None
) -> None:
    """§7.4 as the portal applies it: a designation starts today or later and lasts at most a year."""
    today = today or _today()
    errors = {}
    if start_date < today:
        errors["start_date"] = _("La date de début ne peut pas être passée.")
    if end_date < start_date:
        errors["end_date"] = _("La date de fin doit suivre la date de début.")
    elif end_date > max_end_date(start_date):
        errors["end_date"] = _(
            "Une désignation dure au plus un an : la date de fin doit être au plus le %(date)s."
        ) % {"date": max_end_date(start_date).isoformat()}
    if errors:
        raise ValidationError(errors)


def acknowledgement_blocker(user: AbstractBaseUser) -> str:
    """Why this person cannot be confirmed yet (§6.3 with §7.5), or "" when nothing blocks."""
    from policies.selectors import has_acknowledged_version_in_force, version_in_force

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


def _locked():
    """Designations locked for a change, with what the notifications read (only the row is locked)."""
    return Designation.objects.select_for_update(of=("self",)).select_related("profile__user", "direction")


def _lock(designation: Designation) -> Designation:
    return _locked().get(pk=designation.pk)


def _event(
    designation: Designation, *, action: str, actor, from_status: str, note: str = ""
) -> DesignationEvent:
    return DesignationEvent.objects.create(
        designation=designation,
        action=action,
        actor=actor,
        from_status=from_status,
        to_status=designation.status,
        note=note,
    )


def _transition(
    designation: Designation, *, to: str, actor, action: str, note: str = "", fields: Iterable[str] = ()
):
    """Move a locked designation to `to` if the map allows it; write the event row."""
    from_status = designation.status
    if not rules.may_transition(from_status, to):
        raise ValidationError(
            _("Cette action n'est plus possible : la désignation est « %(status)s ».")
            % {"status": designation.get_status_display()},
            code="invalid_transition",
        )
    designation.status = to
    designation.save(update_fields=["status", *fields])
    return _event(designation, action=action, actor=actor, from_status=from_status, note=note)


def _context(designation: Designation, **extra) -> dict:
    """Short, non-personal values for the message templates."""
    return {
        "direction": designation.direction.code,
        "start_date": designation.start_date.isoformat(),
        "end_date": designation.end_date.isoformat(),
        **extra,
    }


def _notify_all(
    kind: str,
    recipients: Iterable[AbstractBaseUser],
    designation: Designation,
    *,
    exclude: AbstractBaseUser | None = None,
    context: dict | None = None,
    link: str | None = None,
) -> None:
    seen: set[int] = {exclude.pk} if exclude is not None else set()
    for user in recipients:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        notify(
            kind=kind, recipient=user, target=designation, context=context or _context(designation), link=link
        )


class Audience:
    """Who to tell: DCAI officers and each direction's leads, looked up once per run of the daily job."""

    def __init__(self) -> None:
        self._dcai: list | None = None
        self._leads: dict[int, list] = {}

    def dcai(self) -> list:
        if self._dcai is None:
            self._dcai = list(dcai_officers())
        return self._dcai

    def leads(self, direction_id: int) -> list:
        if direction_id not in self._leads:
            self._leads[direction_id] = list(direction_leads(Direction(pk=direction_id)))
        return self._leads[direction_id]

    def leads_or_dcai(self, direction_id: int) -> list:
        """A direction without a head or delegate still needs someone told: DCAI then."""
        return self.leads(direction_id) or self.dcai()


def _check_accounts(accounts: Iterable[OfficialAccount]) -> list[OfficialAccount]:
    accounts = list(accounts)
    if not accounts:
        raise ValidationError({"accounts": _("Choisissez au moins un compte officiel.")})
    if any(not account.is_active for account in accounts):
        raise ValidationError({"accounts": _("Un compte officiel choisi n'est plus actif.")})
    return accounts


def _check_role(role: str) -> str:
    if role not in Designation.Role.values:
        raise ValidationError({"role": _("Choisissez un rôle valide.")})
    return role


def _check_no_overlap(
    *,
    profile: StaffProfile,
    accounts: list[OfficialAccount],
    start_date,
    end_date,
    exclude_pk: int | None = None,
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


# --- Official accounts (§7.3) -----------------------------------------------------------------------


@dataclass(frozen=True)
class AccountData:
    platform: str
    handle: str
    url: str
    direction: Direction
    is_active: bool = True


def _check_account_data(data: AccountData, *, exclude_pk: int | None = None) -> AccountData:
    if data.platform not in OfficialAccount.Platform.values:
        raise ValidationError({"platform": _("Choisissez une plateforme valide.")})
    handle = _required_text(data.handle, _("Indiquez le nom du compte."))
    url = _required_text(data.url, _("Indiquez l'adresse du compte."))
    if not url.lower().startswith(("https://", "http://")):
        raise ValidationError({"url": _("L'adresse doit commencer par https://.")})
    duplicates = OfficialAccount.objects.filter(platform=data.platform, handle__iexact=handle)
    if exclude_pk is not None:
        duplicates = duplicates.exclude(pk=exclude_pk)
    if duplicates.exists():
        raise ValidationError({"handle": _("Ce compte existe déjà pour cette plateforme.")})
    return AccountData(
        platform=data.platform, handle=handle, url=url, direction=data.direction, is_active=data.is_active
    )


def official_account_create(*, actor: AbstractBaseUser, data: AccountData) -> OfficialAccount:
    """§7.3: DCAI runs the institution's social media, so it keeps the list of official accounts."""
    if not rules.may_manage_accounts(roles_for(actor)):
        raise PermissionDenied
    data = _check_account_data(data)
    with transaction.atomic():
        account = OfficialAccount.objects.create(
            platform=data.platform,
            handle=data.handle,
            url=data.url,
            direction=data.direction,
            is_active=data.is_active,
        )
    logger.info("Official account %s created by user %s", account.pk, actor.pk)
    return account


def official_account_update(
    *, account: OfficialAccount, actor: AbstractBaseUser, data: AccountData
) -> OfficialAccount:
    """§7.3: DCAI edits or deactivates an official account; designations keep their history."""
    if not rules.may_manage_accounts(roles_for(actor)):
        raise PermissionDenied
    data = _check_account_data(data, exclude_pk=account.pk)
    with transaction.atomic():
        account = OfficialAccount.objects.select_for_update().get(pk=account.pk)
        account.platform, account.handle, account.url = data.platform, data.handle, data.url
        account.direction, account.is_active = data.direction, data.is_active
        account.save()
    logger.info("Official account %s updated by user %s", account.pk, actor.pk)
    return account


# --- Designations (§6.3, §7.4) ---------------------------------------------------------------------


@dataclass(frozen=True)
class DesignationData:
    accounts: list[OfficialAccount]
    role: str
    justification: str
    start_date: datetime.date
    end_date: datetime.date


def _check_designation_data(data: DesignationData, *, profile: StaffProfile, exclude_pk: int | None = None):
    accounts = _check_accounts(data.accounts)
    role = _check_role(data.role)
    justification = _required_text(data.justification, _("Indiquez la justification de la désignation."))
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
        role=role,
        justification=justification,
        start_date=data.start_date,
        end_date=data.end_date,
    )


def designation_create(
    *, actor: AbstractBaseUser, profile: StaffProfile, data: DesignationData
) -> Designation:
    """§7.4: a direction designates authorized users within it "et en informe la DCAI".

    Only the head or a delegate of the person's own direction may designate them. DCAI is notified at once.
    """
    if not rules.may_designate_in(roles_for(actor), profile.direction_id):
        raise PermissionDenied
    with transaction.atomic():
        profile = (
            StaffProfile.objects.select_for_update(of=("self",))
            .select_related("user", "direction")
            .get(pk=profile.pk)
        )
        if not rules.may_designate_in(roles_for(actor), profile.direction_id):
            raise PermissionDenied
        if not (profile.is_active and profile.user.is_active):
            raise ValidationError({"profile": _("Cette personne ne fait plus partie du personnel actif.")})
        data = _check_designation_data(data, profile=profile)
        designation = Designation.objects.create(
            profile=profile,
            direction=profile.direction,
            role=data.role,
            justification=data.justification,
            start_date=data.start_date,
            end_date=data.end_date,
            designated_by=actor,
        )
        designation.accounts.set(data.accounts)
        _event(designation, action=Action.CREATED, actor=actor, from_status="")
        _notify_all("roster.designation_submitted", dcai_officers(), designation, exclude=actor)
    return designation


def designation_renew(
    *, designation: Designation, actor: AbstractBaseUser, data: DesignationData
) -> Designation:
    """§7.4: renewing is a new designation period, linked to the previous one and confirmed by DCAI again."""
    with transaction.atomic():
        previous = _lock(designation)
        if not rules.may_designate_in(roles_for(actor), previous.direction_id):
            raise PermissionDenied
        if previous.status not in rules.RENEWABLE_STATUSES:
            raise ValidationError(_("Seule une désignation active ou échue peut être renouvelée."))
        if previous.renewals.filter(status__in=Designation.OPEN_STATUSES).exists():
            raise ValidationError(_("Un renouvellement est déjà en cours pour cette désignation."))
        profile = StaffProfile.objects.select_related("user", "direction").get(pk=previous.profile_id)
        if not (profile.is_active and profile.user.is_active):
            raise ValidationError(_("Cette personne ne fait plus partie du personnel actif."))
        if profile.direction_id != previous.direction_id:
            raise ValidationError(_("Cette personne ne fait plus partie de la direction qui l'a désignée."))
        if previous.status == Status.ACTIVE and data.start_date <= previous.end_date:
            raise ValidationError(
                {
                    "start_date": _(
                        "Le renouvellement commence après la fin de la période en cours (%(date)s)."
                    )
                    % {"date": previous.end_date.isoformat()}
                }
            )
        data = _check_designation_data(data, profile=profile, exclude_pk=previous.pk)
        renewal = Designation.objects.create(
            profile=profile,
            direction=previous.direction,
            role=data.role,
            justification=data.justification,
            start_date=data.start_date,
            end_date=data.end_date,
            designated_by=actor,
            renewal_of=previous,
        )
        renewal.accounts.set(data.accounts)
        _event(renewal, action=Action.RENEWAL_CREATED, actor=actor, from_status="", note=previous.reference)
        _notify_all("roster.renewal_submitted", dcai_officers(), renewal, exclude=actor)
    return renewal


def designation_confirm(
    *, designation: Designation, actor: AbstractBaseUser, comment: str = ""
) -> Designation:
    """§6.3 and §7.3: DCAI confirms the designation; the person must have acknowledged the version in force.

    The person is then told, with links to the obligations of §6.3 and to the netiquette (annex 1).
    """
    with transaction.atomic():
        designation = _lock(designation)
        if not roles_for(actor).is_dcai:
            raise PermissionDenied
        profile = designation.profile
        if profile.user_id == actor.pk:
            raise ValidationError(_("Vous ne pouvez pas confirmer votre propre désignation."))
        if designation.designated_by_id == actor.pk:
            # Four eyes: the person who designated cannot also confirm as DCAI (§7.3, §7.4).
            raise ValidationError(
                _("Une autre personne de la DCAI doit confirmer une désignation que vous avez faite.")
            )
        if designation.status != Status.PENDING:
            raise ValidationError(
                _("Cette désignation n'attend plus de confirmation."), code="invalid_transition"
            )
        if designation.end_date < _today():
            raise ValidationError(
                _("La période de cette désignation est terminée : elle ne peut plus être confirmée.")
            )
        if not (profile.is_active and profile.user.is_active):
            raise ValidationError(_("Cette personne ne fait plus partie du personnel actif."))
        blocker = acknowledgement_blocker(profile.user)
        if blocker:
            raise ValidationError(blocker, code="not_acknowledged")
        designation.decided_by = actor
        designation.decided_at = timezone.now()
        designation.decision_comment = (comment or "").strip()
        _transition(
            designation,
            to=Status.ACTIVE,
            actor=actor,
            action=Action.CONFIRMED,
            note=designation.decision_comment,
            fields=["decided_by", "decided_at", "decision_comment"],
        )
        links = obligation_links()
        context = _context(designation, **links, designation_url=designation.get_absolute_url())
        notify(
            kind="roster.designation_active",
            recipient=profile.user,
            target=designation,
            context=context,
            link=links["obligations_url"],
        )
        _notify_all(
            "roster.designation_confirmed",
            Audience().leads_or_dcai(designation.direction_id),
            designation,
            exclude=actor,
        )
    return designation


def designation_refuse(*, designation: Designation, actor: AbstractBaseUser, comment: str) -> Designation:
    """§7.3: DCAI refuses a designation, saying why to the designating direction."""
    comment = _required_text(comment, _("Indiquez la raison du refus."))
    with transaction.atomic():
        designation = _lock(designation)
        if not roles_for(actor).is_dcai:
            raise PermissionDenied
        designation.decided_by = actor
        designation.decided_at = timezone.now()
        designation.decision_comment = comment
        _transition(
            designation,
            to=Status.REFUSED,
            actor=actor,
            action=Action.REFUSED,
            note=comment,
            fields=["decided_by", "decided_at", "decision_comment"],
        )
        recipients = [*Audience().leads_or_dcai(designation.direction_id), designation.designated_by]
        _notify_all("roster.designation_refused", recipients, designation, exclude=actor)
    return designation


def designation_revoke(
    *, designation: Designation, actor: AbstractBaseUser | None, reason: str
) -> Designation:
    """§7.4 and §7.3: the designating direction or DCAI withdraws a designation at any time, with a reason.

    `actor` None is the portal itself (the person left the institution).
    """
    return _revoke(designation=designation, actor=actor, reason=reason, audience=None)


def _revoke(
    *, designation: Designation, actor: AbstractBaseUser | None, reason: str, audience: Audience | None
) -> Designation:
    reason = _required_text(reason, _("Indiquez le motif de la révocation."))
    with transaction.atomic():
        designation = _lock(designation)
        if actor is not None:
            roles = roles_for(actor)
            if not (roles.is_dcai or designation.direction_id in roles.led_direction_ids):
                raise PermissionDenied
        was_active = designation.status == Status.ACTIVE
        designation.revoked_by = actor
        designation.revoked_at = timezone.now()
        designation.revocation_reason = reason
        _transition(
            designation,
            to=Status.REVOKED,
            actor=actor,
            action=Action.REVOKED,
            note=reason,
            fields=["revoked_by", "revoked_at", "revocation_reason"],
        )
        profile = designation.profile
        audience = audience or Audience()
        recipients = [*audience.leads(designation.direction_id), *audience.dcai()]
        if was_active and profile.is_active and profile.user.is_active:
            recipients.append(profile.user)
        _notify_all("roster.designation_revoked", recipients, designation, exclude=actor)
        # A renewal under way for a withdrawn designation goes with it.
        for renewal in designation.renewals.filter(status__in=Designation.OPEN_STATUSES):
            _revoke(designation=renewal, actor=actor, reason=reason, audience=audience)
    return designation


def designation_remind_acknowledgement(*, designation: Designation, actor: AbstractBaseUser) -> bool:
    """§6.3 with §7.5: ask the designated person to acknowledge the policy in force so DCAI can confirm.

    Returns False (and sends nothing) when a reminder already went out in the last 24 hours.
    """
    with transaction.atomic():
        designation = _lock(designation)
        roles = roles_for(actor)
        if not (roles.is_dcai or designation.direction_id in roles.led_direction_ids):
            raise PermissionDenied
        if designation.status != Status.PENDING:
            raise ValidationError(_("Cette désignation n'attend plus de confirmation."))
        profile = designation.profile
        if not acknowledgement_blocker(profile.user):
            raise ValidationError(_("Cette personne a déjà pris connaissance de la version en vigueur."))
        since = timezone.now() - datetime.timedelta(hours=ACKNOWLEDGEMENT_REMINDER_HOURS)
        if designation.events.filter(action=Action.ACKNOWLEDGEMENT_REMINDER, at__gte=since).exists():
            return False
        _event(
            designation, action=Action.ACKNOWLEDGEMENT_REMINDER, actor=actor, from_status=designation.status
        )
        notify(
            kind="roster.acknowledgement_requested",
            recipient=profile.user,
            target=designation,
            context=_context(designation),
            link=policy_url(),
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
        _revoke_departed(pk, audience)


def _revoke_departed(pk: int, audience: Audience) -> bool:
    with transaction.atomic():
        designation = _locked().filter(pk=pk).first()
        if designation is None or designation.status not in Designation.OPEN_STATUSES:
            return False
        _revoke(
            designation=designation,
            actor=None,
            reason=_("Départ de l'établissement : profil d'intervenant désactivé."),
            audience=audience,
        )
    return True


# --- Daily job ------------------------------------------------------------------------------------------


def _expire(pk: int, today: datetime.date, audience: Audience) -> bool:
    with transaction.atomic():
        designation = _locked().filter(pk=pk).first()
        if (
            designation is None
            or designation.status not in Designation.OPEN_STATUSES
            or designation.end_date >= today
        ):
            return False
        was_active = designation.status == Status.ACTIVE
        _transition(designation, to=Status.EXPIRED, actor=None, action=Action.EXPIRED)
        recipients = list(audience.leads_or_dcai(designation.direction_id))
        profile = designation.profile
        continues = designation.renewals.filter(status=Status.ACTIVE, start_date__lte=today).exists()
        if was_active and not continues and profile.is_active and profile.user.is_active:
            recipients.append(profile.user)
        _notify_all("roster.designation_expired", recipients, designation)
    return True


def _ask_renewal(pk: int, today: datetime.date, audience: Audience) -> bool:
    with transaction.atomic():
        # Conditional claim: two runs at once never both ask.
        claimed = Designation.objects.filter(pk=pk, status=Status.ACTIVE, renewal_requested_at=None).update(
            renewal_requested_at=timezone.now()
        )
        if not claimed:
            return False
        designation = _locked().get(pk=pk)
        _event(designation, action=Action.RENEWAL_REQUESTED, actor=None, from_status=designation.status)
        context = _context(designation, days_left=(designation.end_date - today).days)
        recipients = audience.leads_or_dcai(designation.direction_id)
        _notify_all("roster.renewal_due", recipients, designation, context=context)
    return True


def renewal_due_filter(today: datetime.date) -> Q:
    """Active designations ending within the notice period and not yet renewed."""
    live_renewal = Designation.objects.filter(renewal_of=OuterRef("pk"), status__in=Designation.OPEN_STATUSES)
    return Q(
        status=Status.ACTIVE,
        end_date__gte=today,
        end_date__lte=today + datetime.timedelta(days=RENEWAL_NOTICE_DAYS),
    ) & ~Q(Exists(live_renewal))


def daily_maintenance(*, today: datetime.date | None = None) -> dict[str, int]:
    """§7.4: expire designations past their end date and ask directions to renew 30 days before the end.

    Runs every hour and is idempotent: a designation expires once, and renewal is asked once
    (`renewal_requested_at`). Designations of people who left without the hook firing are revoked too.
    """
    today = today or _today()
    counts = {"expired": 0, "renewal_requested": 0, "revoked": 0}
    audience = Audience()

    departed = Designation.objects.filter(status__in=Designation.OPEN_STATUSES).filter(
        Q(profile__is_active=False) | Q(profile__user__is_active=False)
    )
    for pk in departed.values_list("pk", flat=True):
        counts["revoked"] += _revoke_departed(pk, audience)

    expiring = Designation.objects.filter(status__in=Designation.OPEN_STATUSES, end_date__lt=today)
    for pk in expiring.values_list("pk", flat=True):
        counts["expired"] += _expire(pk, today, audience)

    due = Designation.objects.filter(renewal_due_filter(today), renewal_requested_at=None)
    for pk in due.values_list("pk", flat=True):
        counts["renewal_requested"] += _ask_renewal(pk, today, audience)

    if any(counts.values()):
        logger.info("Roster maintenance on %s: %s", today.isoformat(), counts)
    return counts
