"""Reads of the roster, scoped to the person asking (§6.3, §7.3, §7.4)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy

from portal.hooks import hook
from portal.models import Direction
from portal.roles import roles_for

from . import rules
from .models import Designation, DesignationAccount, DesignationEvent, OfficialAccount, designation_in_force

EXPIRING_SOON_DAYS = 30
# Directions are asked to renew this many days before a designation ends (§7.4, docs/rules.md).
RENEWAL_NOTICE_DAYS = 30
EXPORT_CHUNK = 2000


# --- What the roster asks of the policies (hooks named in settings; portal/ never imports policies) ----


def acknowledgement_blocker(user: AbstractBaseUser) -> str:
    """§6.3 with §7.5: why this person cannot be confirmed as an authorized user yet, "" when nothing
    blocks (settings.PORTAL_ACKNOWLEDGEMENT_BLOCKER)."""
    return hook("PORTAL_ACKNOWLEDGEMENT_BLOCKER")(user)


def policy_links() -> dict[str, str]:
    """§6.3 and annex 1: {"policy_url", "obligations_url", "netiquette_url"} of the policy in force
    (settings.PORTAL_POLICY_LINKS)."""
    return hook("PORTAL_POLICY_LINKS")()


def designations_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Designation]:
    """DCAI sees the whole roster; a direction (head, delegates) its own; a person their own designations."""
    roles = roles_for(user)
    if roles.is_dcai:
        return Designation.objects.all()
    if not user.is_authenticated:
        return Designation.objects.none()
    scope = Q(profile__user=user)
    if roles.led_direction_ids:
        scope |= Q(direction_id__in=roles.led_direction_ids)
    return Designation.objects.filter(scope)


def direction_roster_of(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Designation]:
    """§7.4: the designations of the directions this person leads (head or delegate), nothing else."""
    led = roles_for(user).led_direction_ids
    if not led:
        return Designation.objects.none()
    return designations_visible_to(user).filter(direction_id__in=led)


def own_designations(user: AbstractBaseUser) -> QuerySet[Designation]:
    """§6.3: the person's own designations, latest period first, with what a list row shows."""
    return with_list_data(Designation.objects.filter(profile__user=user).order_by("-start_date", "-id"))


def roster_directions_for(user: AbstractBaseUser, *, scope: str) -> QuerySet[Direction]:
    """The directions a roster page may filter on: every one for DCAI's roster ("dcai"), else the
    directions this person leads ("direction")."""
    if scope == "dcai" and rules.may_see_whole_roster(roles_for(user)):
        return Direction.objects.all()
    return Direction.objects.filter(pk__in=roles_for(user).led_direction_ids)


def is_authorized_user(user: AbstractBaseUser | AnonymousUser) -> bool:
    """§6.3: does this person hold a confirmed designation in force today?"""
    if not user.is_authenticated:
        return False
    return Designation.objects.filter(designation_in_force(timezone.localdate()), profile__user=user).exists()


def with_list_data(queryset: QuerySet[Designation]) -> QuerySet[Designation]:
    """What a roster row shows, in a constant number of queries."""
    return queryset.select_related("profile__user", "direction").prefetch_related(
        Prefetch("accounts", queryset=OfficialAccount.objects.order_by("platform", "handle"))
    )


def get_designation_for(user: AbstractBaseUser, pk: int) -> Designation:
    designation = (
        designations_visible_to(user)
        .select_related(
            "profile__user",
            "profile__direction",
            "direction",
            "designated_by",
            "decided_by",
            "revoked_by",
            "renewal_of",
        )
        .annotate(
            has_live_renewal=Exists(
                Designation.objects.filter(renewal_of=OuterRef("pk"), status__in=Designation.OPEN_STATUSES)
            )
        )
        .filter(pk=pk)
        .first()
    )
    if designation is None:
        raise Http404
    return designation


def designation_actions_for(user: AbstractBaseUser, designation: Designation) -> rules.DesignationActions:
    """The buttons of a designation's page (fetched with `get_designation_for`), computed by the same
    rules the services apply, plus the acknowledgement prerequisite of §6.3 with §7.5."""
    roles = roles_for(user)
    today = timezone.localdate()
    needs_blocker = rules.may_confirm(roles, user, designation, today=today) or rules.may_remind_acknowledgement(
        roles, designation
    )
    return rules.designation_actions(
        roles,
        user,
        designation,
        has_live_renewal=designation.has_live_renewal,
        today=today,
        acknowledgement_blocker=acknowledgement_blocker(designation.profile.user) if needs_blocker else "",
    )


def events_of(designation: Designation) -> QuerySet[DesignationEvent]:
    return designation.events.select_related("actor").order_by("created_at", "id")


def accounts_of(designation: Designation) -> QuerySet[OfficialAccount]:
    return designation.accounts.order_by("platform", "handle")


def renewals_of(designation: Designation) -> QuerySet[Designation]:
    return designation.renewals.order_by("-start_date")


def renewal_due_filter(day: datetime.date) -> Q:
    """§7.4 (docs/rules.md): active designations ending within the notice period and not yet renewed."""
    live_renewal = Designation.objects.filter(renewal_of=OuterRef("pk"), status__in=Designation.OPEN_STATUSES)
    return Q(
        status=Designation.Status.ACTIVE,
        end_date__gte=day,
        end_date__lte=day + datetime.timedelta(days=RENEWAL_NOTICE_DAYS),
    ) & ~Q(Exists(live_renewal))


def awaiting_confirmation_count(user: AbstractBaseUser) -> int:
    """§7.3: how many designations wait for DCAI (0 for anyone who does not confirm)."""
    if not roles_for(user).is_dcai:
        return 0
    return Designation.objects.filter(status=Designation.Status.PENDING).count()


def renewals_due_count(user: AbstractBaseUser, day: datetime.date) -> int:
    """§7.4: how many designations of the directions this person leads are due for renewal."""
    led = roles_for(user).led_direction_ids
    if not led:
        return 0
    return Designation.objects.filter(renewal_due_filter(day), direction_id__in=led).count()


def current_designations_of(user: AbstractBaseUser, day: datetime.date) -> QuerySet[Designation]:
    """§6.3: the person's confirmed designations not yet over, soonest end first."""
    profile = roles_for(user).profile
    if profile is None:
        return Designation.objects.none()
    return with_list_data(
        Designation.objects.filter(profile=profile, status=Designation.Status.ACTIVE, end_date__gte=day).order_by(
            "end_date"
        )
    )


def expiring_soon_filter(today: datetime.date | None = None) -> Q:
    today = today or timezone.localdate()
    return Q(
        status=Designation.Status.ACTIVE,
        end_date__gte=today,
        end_date__lte=today + datetime.timedelta(days=EXPIRING_SOON_DAYS),
    )


def filter_roster(queryset: QuerySet[Designation], params: dict) -> QuerySet[Designation]:
    """Apply the roster filters (already validated by RosterFilterForm.cleaned_data)."""
    if params.get("status"):
        queryset = queryset.filter(status=params["status"])
    if params.get("direction"):
        queryset = queryset.filter(direction=params["direction"])
    if params.get("platform"):
        queryset = queryset.filter(
            Exists(
                DesignationAccount.objects.filter(
                    designation_id=OuterRef("pk"), account__platform=params["platform"]
                )
            )
        )
    if params.get("account"):
        queryset = queryset.filter(
            Exists(
                DesignationAccount.objects.filter(
                    designation_id=OuterRef("pk"), account_id=params["account"].pk
                )
            )
        )
    if params.get("expiring"):
        queryset = queryset.filter(expiring_soon_filter())
    if params.get("q"):
        term = params["q"]
        queryset = queryset.filter(
            Q(profile__user__last_name__icontains=term)
            | Q(profile__user__first_name__icontains=term)
            | Q(profile__employee_number__iexact=term)
        )
    return queryset


# --- Export (§7.3 for DCAI, §7.4 for a direction: the same columns) ---------------------------------

ROSTER_EXPORT_HEADER = (
    gettext_lazy("Référence"),
    gettext_lazy("Statut"),
    gettext_lazy("Nom"),
    gettext_lazy("Prénom"),
    gettext_lazy("Matricule"),
    gettext_lazy("Direction"),
    gettext_lazy("Rôle"),
    gettext_lazy("Comptes officiels"),
    gettext_lazy("Date de début"),
    gettext_lazy("Date de fin"),
    gettext_lazy("Désignée par"),
    gettext_lazy("Désignée le"),
    gettext_lazy("Décision de"),
    gettext_lazy("Décision le"),
    gettext_lazy("Commentaire de la DCAI"),
    gettext_lazy("Révoquée le"),
    gettext_lazy("Motif de la révocation"),
    gettext_lazy("Renouvellement de"),
)


def _name(user: AbstractBaseUser | None) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def roster_export_rows(queryset: QuerySet[Designation]) -> Iterator[list[Any]]:
    """One row per designation, in the order of `ROSTER_EXPORT_HEADER`; the caller scopes `queryset`
    (`designations_visible_to`, `direction_roster_of`). A constant number of queries per chunk."""
    queryset = with_list_data(
        queryset.select_related("designated_by", "decided_by", "revoked_by", "renewal_of").order_by(
            "direction__code", "profile__user__last_name", "-start_date", "id"
        )
    )
    for d in queryset.iterator(chunk_size=EXPORT_CHUNK):
        user = d.profile.user
        yield [
            d.reference,
            d.get_status_display(),
            user.last_name,
            user.first_name,
            d.profile.employee_number,
            d.direction.code,
            d.get_role_display(),
            "; ".join(str(a) for a in d.accounts.all()),
            d.start_date,
            d.end_date,
            _name(d.designated_by),
            d.created_at,
            _name(d.decided_by),
            d.decided_at,
            d.decision_comment,
            d.revoked_at,
            d.revocation_reason,
            d.renewal_of.reference if d.renewal_of else "",
        ]


def accounts_for_dcai() -> QuerySet[OfficialAccount]:
    return OfficialAccount.objects.select_related("direction").order_by("platform", "handle")


def template_flags(user: AbstractBaseUser) -> dict[str, bool]:
    """Named flags for templates (settings.PORTAL_TEMPLATE_FLAGS): §6.3, §7.3, §7.4."""
    roles = roles_for(user)
    return {
        "roster_menu": roles.profile is not None or roles.is_dcai,
        "see_whole_roster": roles.is_dcai,
        "manage_accounts": roles.is_dcai,
        "lead_direction_roster": roles.is_direction_lead,
        "own_designations": roles.profile is not None,
    }
