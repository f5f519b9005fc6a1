"""Who may do what with authorisation requests (§6.2) and consents (§6.1), and when.

Pages ask the same functions to show a button that services call to refuse, so a button is never shown
and then refused. Pure functions of the person's roles and the object: no query here, except what the
caller passes in (the accounts a person runs today).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied

from portal.roles import Roles
from portal.workflow import Workflow

from .models import AuthorisationRequest, Consent

Status = AuthorisationRequest.Status

# §6.2: a request waits for a decision; a decider may ask a question first, the answer brings it back.
# A decision is final: a change is a new request that points to this one ("replace" leaves the state).
AUTHORISATION_WORKFLOW = Workflow(
    moves={
        Status.PENDING: {
            "ask": Status.QUESTION,
            "authorise": Status.AUTHORISED,
            "refuse": Status.REFUSED,
            "replace": None,
        },
        Status.QUESTION: {"answer": Status.PENDING, "replace": None},
        Status.AUTHORISED: {"replace": None},
        Status.REFUSED: {"replace": None},
    },
    labels=dict(Status.choices),
)

CONSENT_WORKFLOW = Workflow(
    moves={Consent.Status.ACTIVE: {"withdraw": Consent.Status.WITHDRAWN}, Consent.Status.WITHDRAWN: {}},
    labels=dict(Consent.Status.choices),
)


def decider_role(roles: Roles) -> str:
    """§6.2: DCAI or the general direction (its head and delegates) decide; "" for anyone else."""
    if roles.is_dcai:
        return AuthorisationRequest.DecidedAs.DCAI
    if roles.is_general_direction_lead:
        return AuthorisationRequest.DecidedAs.GENERAL
    return ""


def may_decide(roles: Roles, user: AbstractBaseUser, request: AuthorisationRequest) -> bool:
    """A decider, never on their own request (nobody authorises themselves)."""
    return bool(decider_role(roles)) and request.requester_id != user.pk


def may_request(roles: Roles) -> bool:
    """§6.2: any staff member may ask."""
    return roles.is_staff_member


def authorisation_actions(roles: Roles, user: AbstractBaseUser, request: AuthorisationRequest) -> frozenset[str]:
    """The actions this person may take on the request now: the state map, then who may act."""
    allowed = AUTHORISATION_WORKFLOW.actions(request.status)
    mine = request.requester_id == user.pk
    offered = set()
    if may_decide(roles, user, request):
        offered |= allowed & {"ask", "authorise", "refuse"}
    if mine:
        offered |= allowed & {"answer", "replace"}
    return frozenset(offered)


def require_action(roles: Roles, user: AbstractBaseUser, request: AuthorisationRequest, action: str) -> None:
    """PermissionDenied when this person may never take the action; the state map's ValidationError when
    the request is no longer in a state that allows it."""
    who = (
        may_decide(roles, user, request)
        if action in ("ask", "authorise", "refuse")
        else request.requester_id == user.pk
    )
    if not who:
        raise PermissionDenied
    AUTHORISATION_WORKFLOW.next_state(request.status, action)


# --- Consents ------------------------------------------------------------------------------------------


def may_record_consent(roles: Roles, run_account_ids: frozenset[int]) -> bool:
    """§6.1 with §6.3: authorized users (for the accounts they run) and DCAI record consents."""
    return roles.is_dcai or bool(run_account_ids)


def may_record_for(roles: Roles, run_account_ids: frozenset[int], account_ids: set[int]) -> bool:
    """DCAI for any official account; an authorized user only for the accounts they run today."""
    return roles.is_dcai or (bool(account_ids) and account_ids <= run_account_ids)


def may_withdraw(
    roles: Roles, user: AbstractBaseUser, consent: Consent, *, run_account_ids: frozenset[int], covered: set[int]
) -> bool:
    """§6.1: the person concerned (a staff member, from their page), DCAI, or an authorized user of a
    covered account records a withdrawal, while the consent is in force."""
    if not CONSENT_WORKFLOW.allows(consent.status, "withdraw"):
        return False
    concerned = consent.staff_profile_id is not None and consent.staff_profile_id == roles.profile_id
    return concerned or roles.is_dcai or bool(covered & run_account_ids)
