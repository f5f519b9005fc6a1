"""Who may do what on the roster, and when (§6.3, §7.3, §7.4; docs/rules.md for the portal's own rules).

The one place these answers live: pages call `may_*` to show a button, services call the same
`*_refusal` through `require` to refuse, so a button is never shown and then refused. Pure functions of
the person's roles and the designation (with its profile and user loaded): no query here. The one
prerequisite that needs a query, the acknowledgement of the policy in force, is added by
`selectors.designation_actions_for` for pages and checked by the confirm service.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from portal.roles import Roles
from portal.workflow import Workflow

from .models import Designation

Status = Designation.Status

# What each action does to a designation. Refused, expired and revoked are final: a new period is a new
# designation (a renewal links to the previous one, which stays as it is: "renew" leaves the state).
DESIGNATION_WORKFLOW = Workflow(
    moves={
        Status.PENDING: {
            "confirm": Status.ACTIVE,
            "refuse": Status.REFUSED,
            "revoke": Status.REVOKED,
            "expire": Status.EXPIRED,
            "remind": None,
        },
        Status.ACTIVE: {
            "revoke": Status.REVOKED,
            "expire": Status.EXPIRED,
            "renew": None,
            "request_renewal": None,
        },
        Status.EXPIRED: {"renew": None},
        Status.REFUSED: {},
        Status.REVOKED: {},
    },
    labels=dict(Status.choices),
)


@dataclass(frozen=True)
class Refusal:
    """Why an action is refused: `who` (this person may not: 403) or else what (not possible now)."""

    message: str = ""
    code: str = ""
    who: bool = False

    def exception(self) -> Exception:
        if self.who:
            return PermissionDenied(self.message)
        return ValidationError(self.message, code=self.code or None)


NOT_YOURS = Refusal(who=True)


def require(refusal: Refusal | None) -> None:
    """Raise the refusal (PermissionDenied or ValidationError), if any: what services call."""
    if refusal is not None:
        raise refusal.exception()


def _state_refusal(designation: Designation, action: str) -> Refusal | None:
    if DESIGNATION_WORKFLOW.allows(designation.status, action):
        return None
    return Refusal(
        _("Cette action n'est plus possible : la désignation est « %(status)s ».")
        % {"status": designation.get_status_display()},
        code="invalid_transition",
    )


def person_is_active(designation: Designation) -> bool:
    profile = designation.profile
    return profile.is_active and profile.user.is_active


def _inactive_person() -> Refusal:
    return Refusal(_("Cette personne ne fait plus partie du personnel actif."), code="inactive")


# --- Official accounts and lists --------------------------------------------------------------------


def may_manage_accounts(roles: Roles) -> bool:
    """§7.3: DCAI runs the official accounts."""
    return roles.is_dcai


def may_see_whole_roster(roles: Roles) -> bool:
    """§7.3: DCAI, which runs the institution's social media, sees every authorized user."""
    return roles.is_dcai


def designatable_direction_ids(roles: Roles) -> frozenset[int]:
    """§7.4: a direction (its head or a delegate) designates the authorized users within it: the
    directions whose staff this person may designate (the designation picker reads the same rule)."""
    return roles.led_direction_ids


def may_designate_in(roles: Roles, direction_id: int) -> bool:
    """§7.4: a direction (its head or a delegate) designates the authorized users within it."""
    return direction_id in designatable_direction_ids(roles)


# --- One designation -----------------------------------------------------------------------------------


def confirm_refusal(
    roles: Roles, user: AbstractBaseUser, designation: Designation, *, today: datetime.date
) -> Refusal | None:
    """§7.3 and docs/rules.md: DCAI confirms a pending designation whose period is not over, of a person
    still on staff; nobody confirms their own designation, and the person who designated cannot also
    confirm it (four eyes). The acknowledgement prerequisite (§6.3 with §7.5) is checked by the service."""
    if not roles.is_dcai:
        return NOT_YOURS
    if designation.profile.user_id == user.pk:
        return Refusal(_("Vous ne pouvez pas confirmer votre propre désignation."), who=True)
    if designation.designated_by_id == user.pk:
        return Refusal(_("Une autre personne de la DCAI doit confirmer une désignation que vous avez faite."), who=True)
    if not DESIGNATION_WORKFLOW.allows(designation.status, "confirm"):
        return Refusal(_("Cette désignation n'attend plus de confirmation."), code="invalid_transition")
    if designation.end_date < today:
        return Refusal(
            _("La période de cette désignation est terminée : elle ne peut plus être confirmée."),
            code="period_over",
        )
    if not person_is_active(designation):
        return _inactive_person()
    return None


def may_confirm(roles: Roles, user: AbstractBaseUser, designation: Designation, *, today: datetime.date) -> bool:
    return confirm_refusal(roles, user, designation, today=today) is None


def refuse_refusal(roles: Roles, designation: Designation) -> Refusal | None:
    """§7.3: DCAI refuses a pending designation (with a comment, checked by the service)."""
    if not roles.is_dcai:
        return NOT_YOURS
    return _state_refusal(designation, "refuse")


def may_refuse(roles: Roles, designation: Designation) -> bool:
    return refuse_refusal(roles, designation) is None


def revoke_refusal(roles: Roles | None, designation: Designation) -> Refusal | None:
    """§7.4 and §7.3: the designating direction or DCAI withdraws an open designation at any time.

    `roles` None is the portal itself (the person left the institution: §6.3).
    """
    if roles is not None and not (roles.is_dcai or designation.direction_id in roles.led_direction_ids):
        return NOT_YOURS
    return _state_refusal(designation, "revoke")


def may_revoke(roles: Roles, designation: Designation) -> bool:
    return revoke_refusal(roles, designation) is None


def renew_refusal(roles: Roles, designation: Designation, *, has_live_renewal: bool) -> Refusal | None:
    """§7.4: the designating direction asks for a new period of an active or expired designation, for a
    person still on staff in that direction, once at a time; DCAI confirms it again (docs/rules.md)."""
    if not may_designate_in(roles, designation.direction_id):
        return NOT_YOURS
    if not DESIGNATION_WORKFLOW.allows(designation.status, "renew"):
        return Refusal(_("Seule une désignation active ou échue peut être renouvelée."), code="invalid_transition")
    if has_live_renewal:
        return Refusal(_("Un renouvellement est déjà en cours pour cette désignation."), code="live_renewal")
    if not person_is_active(designation):
        return _inactive_person()
    if designation.profile.direction_id != designation.direction_id:
        return Refusal(_("Cette personne ne fait plus partie de la direction qui l'a désignée."), code="moved")
    return None


def may_renew(roles: Roles, designation: Designation, *, has_live_renewal: bool) -> bool:
    return renew_refusal(roles, designation, has_live_renewal=has_live_renewal) is None


def remind_refusal(roles: Roles, designation: Designation) -> Refusal | None:
    """§6.3 with §7.5: DCAI or the designating direction reminds the person of a pending designation to
    acknowledge the policy in force (the service also needs the acknowledgement to be missing)."""
    if not (roles.is_dcai or designation.direction_id in roles.led_direction_ids):
        return NOT_YOURS
    if not DESIGNATION_WORKFLOW.allows(designation.status, "remind"):
        return Refusal(_("Cette désignation n'attend plus de confirmation."), code="invalid_transition")
    return None


def may_remind_acknowledgement(roles: Roles, designation: Designation) -> bool:
    return remind_refusal(roles, designation) is None


@dataclass(frozen=True)
class DesignationActions:
    """The buttons of a designation's page; `confirm_blocked` is the reason confirming must wait."""

    confirm: bool = False
    confirm_blocked: str = ""
    refuse: bool = False
    revoke: bool = False
    renew: bool = False
    remind: bool = False

    def offers(self, action: str) -> bool:
        """Is the form or button of `action` on the page?"""
        return bool(getattr(self, action, False))

    @property
    def any(self) -> bool:
        return bool(self.confirm or self.confirm_blocked or self.refuse or self.revoke or self.renew or self.remind)


def designation_actions(
    roles: Roles,
    user: AbstractBaseUser,
    designation: Designation,
    *,
    has_live_renewal: bool,
    today: datetime.date,
    acknowledgement_blocker: str,
) -> DesignationActions:
    """Each button exactly when its service would accept the request.

    `acknowledgement_blocker` is why the person cannot be confirmed yet (§6.3 with §7.5), "" when nothing
    blocks: confirming waits for it, and a reminder is only useful while it blocks.
    """
    confirm = may_confirm(roles, user, designation, today=today)
    return DesignationActions(
        confirm=confirm and not acknowledgement_blocker,
        confirm_blocked=acknowledgement_blocker if confirm else "",
        refuse=may_refuse(roles, designation),
        revoke=may_revoke(roles, designation),
        renew=may_renew(roles, designation, has_live_renewal=has_live_renewal),
        remind=may_remind_acknowledgement(roles, designation) and bool(acknowledgement_blocker),
    )
