"""Reads of requests and consents, scoped to the person asking (§6.1, §6.2)."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from portal.roles import roles_for
from portal.roster.models import Designation, DesignationAccount, OfficialAccount, designation_in_force

from . import rules
from .models import AuthorisationRequest, Consent, ConsentAccount, ConsentEvent, Publication

# §6.1 as the portal applies it (docs/rules.md): consents ending within this many days are flagged.
EXPIRING_DAYS = 30


# --- Official accounts a person runs (§6.3) -------------------------------------------------------------


def _designations_in_force(day: datetime.date):
    return Designation.objects.filter(designation_in_force(day))


def run_account_ids(user: AbstractBaseUser | AnonymousUser) -> frozenset[int]:
    """The official accounts this person runs today: a confirmed designation in force (§6.3). Read with the
    person's roles, in the request's first query (portal.roles)."""
    return roles_for(user).run_account_ids


def authorized_users_of(account_ids) -> QuerySet:
    """Active people who run one of these accounts today (§6.3)."""
    designations = _designations_in_force(timezone.localdate()).filter(
        pk__in=DesignationAccount.objects.filter(account_id__in=list(account_ids)).values("designation_id")
    )
    return get_user_model().objects.filter(is_active=True, profile__in=designations.values("profile_id")).distinct()


def accounts_for_recording(user: AbstractBaseUser) -> QuerySet[OfficialAccount]:
    """The accounts a consent or a publication may name: all active ones for DCAI, else those run today."""
    accounts = OfficialAccount.objects.filter(is_active=True).order_by("platform", "handle")
    if roles_for(user).is_dcai:
        return accounts
    return accounts.filter(pk__in=run_account_ids(user))


# --- Authorisation requests (§6.2) ----------------------------------------------------------------------


def authorisations_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[AuthorisationRequest]:
    """Deciders (DCAI, the general direction) see every request; anyone else only their own."""
    if not user.is_authenticated:
        return AuthorisationRequest.objects.none()
    if rules.decider_role(roles_for(user)):
        return AuthorisationRequest.objects.all()
    return AuthorisationRequest.objects.filter(requester=user)


def own_authorisations(user: AbstractBaseUser) -> QuerySet[AuthorisationRequest]:
    return AuthorisationRequest.objects.filter(requester=user).select_related("direction")


def with_list_data(queryset: QuerySet[AuthorisationRequest]) -> QuerySet[AuthorisationRequest]:
    return queryset.select_related("requester", "direction")


def get_authorisation_for(user: AbstractBaseUser, pk: int) -> AuthorisationRequest:
    request = (
        authorisations_visible_to(user)
        .select_related("requester", "direction", "decided_by", "replaces")
        .filter(pk=pk)
        .first()
    )
    if request is None:
        raise Http404
    return request


def authorisation_actions_for(user: AbstractBaseUser, request: AuthorisationRequest) -> frozenset[str]:
    return rules.authorisation_actions(roles_for(user), user, request)


def filter_authorisations(queryset: QuerySet[AuthorisationRequest], params: dict) -> QuerySet[AuthorisationRequest]:
    """The deciders' list filters (already validated by the filter form)."""
    if params.get("status"):
        queryset = queryset.filter(status=params["status"])
    if params.get("direction"):
        queryset = queryset.filter(direction=params["direction"])
    if params.get("q"):
        term = params["q"]
        queryset = queryset.filter(
            Q(reference__iexact=term)
            | Q(requester__last_name__icontains=term)
            | Q(requester__first_name__icontains=term)
            | Q(medium__icontains=term)
        )
    return queryset


def pending_decisions_count(user: AbstractBaseUser) -> int:
    if not rules.decider_role(roles_for(user)):
        return 0
    return AuthorisationRequest.objects.filter(status=AuthorisationRequest.Status.PENDING).count()


# --- Consents (§6.1) ------------------------------------------------------------------------------------


def consents_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Consent]:
    """DCAI sees every consent; an authorized user those of the accounts they run; a staff member the
    consents that concern them."""
    roles = roles_for(user)
    if roles.is_dcai:
        return Consent.objects.all()
    if not user.is_authenticated:
        return Consent.objects.none()
    scope = Q(pk__in=[])
    if roles.profile_id is not None:
        scope |= Q(staff_profile_id=roles.profile_id)
    accounts = run_account_ids(user)
    if accounts:
        scope |= Q(Exists(ConsentAccount.objects.filter(consent_id=OuterRef("pk"), account_id__in=accounts)))
    return Consent.objects.filter(scope)


def consents_concerning(user: AbstractBaseUser) -> QuerySet[Consent]:
    """§6.1: the consents a staff member gave, for their own page."""
    profile_id = roles_for(user).profile_id
    if profile_id is None:
        return Consent.objects.none()
    return consent_list_data(Consent.objects.filter(staff_profile_id=profile_id))


def consent_list_data(queryset: QuerySet[Consent]) -> QuerySet[Consent]:
    return queryset.select_related("staff_profile__user").prefetch_related(
        Prefetch("accounts", queryset=OfficialAccount.objects.order_by("platform", "handle"))
    )


def expiring_filter(day: datetime.date | None = None) -> Q:
    day = day or timezone.localdate()
    return Q(
        status=Consent.Status.ACTIVE,
        valid_until__gte=day,
        valid_until__lte=day + datetime.timedelta(days=EXPIRING_DAYS),
    )


def is_expiring(consent: Consent, day: datetime.date | None = None) -> bool:
    day = day or timezone.localdate()
    return (
        consent.status == Consent.Status.ACTIVE
        and consent.valid_until is not None
        and day <= consent.valid_until <= day + datetime.timedelta(days=EXPIRING_DAYS)
    )


def filter_consents(queryset: QuerySet[Consent], params: dict) -> QuerySet[Consent]:
    if params.get("person"):
        term = params["person"]
        queryset = queryset.filter(
            Q(person_name__icontains=term)
            | Q(staff_profile__user__last_name__icontains=term)
            | Q(staff_profile__user__first_name__icontains=term)
        )
    if params.get("status"):
        queryset = queryset.filter(status=params["status"])
    if params.get("account"):
        queryset = queryset.filter(
            Exists(ConsentAccount.objects.filter(consent_id=OuterRef("pk"), account_id=params["account"].pk))
        )
    if params.get("expiring"):
        queryset = queryset.filter(expiring_filter())
    return queryset


def get_consent_for(user: AbstractBaseUser, pk: int) -> Consent:
    consent = (
        consents_visible_to(user)
        .select_related("staff_profile__user", "collected_by", "recorded_by", "withdrawn_by")
        .filter(pk=pk)
        .first()
    )
    if consent is None:
        raise Http404
    return consent


def covered_account_ids(consent: Consent) -> set[int]:
    return set(ConsentAccount.objects.filter(consent=consent).values_list("account_id", flat=True))


def may_withdraw_consent(user: AbstractBaseUser, consent: Consent) -> bool:
    return rules.may_withdraw(
        roles_for(user), user, consent, run_account_ids=run_account_ids(user), covered=covered_account_ids(consent)
    )


def consent_events(consent: Consent) -> QuerySet[ConsentEvent]:
    return consent.events.select_related("actor")


def publications_visible_to(user: AbstractBaseUser) -> QuerySet[Publication]:
    """DCAI sees every recorded publication; an authorized user those of the accounts they run."""
    if roles_for(user).is_dcai:
        return Publication.objects.all()
    return Publication.objects.filter(account_id__in=run_account_ids(user))


def publications_with_consents(queryset: QuerySet[Publication]) -> QuerySet[Publication]:
    return queryset.select_related("account", "authorisation").prefetch_related(
        Prefetch("consents", queryset=Consent.objects.order_by("id"))
    )


# --- Statistics for DCAI (§7.3): counts, never content --------------------------------------------------


def publishing_counts(start: datetime.date, end: datetime.date) -> dict[str, int]:
    """Requests made, decisions taken (authorised, refused) and consents withdrawn between two dates."""
    Status = AuthorisationRequest.Status
    requests = AuthorisationRequest.objects.filter(created_at__date__gte=start, created_at__date__lte=end)
    decisions = AuthorisationRequest.objects.filter(decided_at__date__gte=start, decided_at__date__lte=end)
    by_decision = dict(decisions.values_list("status").annotate(n=Count("id")).order_by())
    return {
        "requests": requests.count(),
        "authorised": by_decision.get(Status.AUTHORISED, 0),
        "refused": by_decision.get(Status.REFUSED, 0),
        "consents": Consent.objects.filter(created_at__date__gte=start, created_at__date__lte=end).count(),
        "withdrawals": Consent.objects.filter(withdrawn_on__gte=start, withdrawn_on__lte=end).count(),
    }


def may_see_statistics(user: AbstractBaseUser) -> bool:
    roles = roles_for(user)
    return roles.is_dcai or roles.is_general_direction_lead


def template_flags(user: AbstractBaseUser) -> dict[str, bool]:
    """Named flags for templates (settings.PORTAL_TEMPLATE_FLAGS): §6.1, §6.2."""
    roles = roles_for(user)
    runs = frozenset() if roles.is_dcai else run_account_ids(user)  # DCAI sees and records all: no query
    return {
        "publishing_menu": roles.is_staff_member or roles.is_dcai or roles.is_general_direction_lead,
        "request_authorisation": rules.may_request(roles),
        "decide_authorisations": bool(rules.decider_role(roles)),
        "see_consents": roles.is_dcai or bool(runs),
        "record_consents": rules.may_record_consent(roles, runs),
        "own_consents": roles.profile is not None,
        "publishing_statistics": roles.is_dcai or roles.is_general_direction_lead,
    }
