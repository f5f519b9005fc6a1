"""Reads about incidents, always scoped to the person asking (DESIGN "Who sees what", issue table).

| Person | Sees |
|---|---|
| Declarer | their own declarations, without internal notes |
| Manager | incidents routed to them at manager level, and those they handled since |
| Direction head or delegate | incidents of their direction from direction level on (and after) |
| DCAI | all |
| HR | none (counts only) |
| Person named as concerned | never, whatever else they are |
| Person DCAI shared one incident with | that incident |
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import StaffProfile
from portal.roles import roles_for

from .models import SHARE_PERMISSION, Incident, IncidentUserObjectPermission, Message

Level = Incident.Level
RECENTLY_CLOSED_DAYS = 90
CONFIDENTIAL_DECLARER = _("Déclarant confidentiel")


def _shared_ids(user: AbstractBaseUser) -> QuerySet:
    return IncidentUserObjectPermission.objects.filter(
        user=user, permission__codename=SHARE_PERMISSION
    ).values("content_object_id")


def _handler_scope(user: AbstractBaseUser) -> Q | None:
    """Incidents this person may see as a handler (any level, past or present)."""
    roles = roles_for(user)
    if roles.is_dcai:
        return Q()
    scope = None
    if roles.profile_id:
        scope = Q(assigned_manager_id=roles.profile_id)
    if roles.led_direction_ids:
        lead = Q(assigned_direction_id__in=roles.led_direction_ids)
        scope = lead if scope is None else scope | lead
    return scope


def _current_level_scope(user: AbstractBaseUser) -> Q | None:
    """Incidents waiting at the level where this person acts now."""
    roles = roles_for(user)
    parts = []
    if roles.profile_id:
        parts.append(Q(level=Level.MANAGER, assigned_manager_id=roles.profile_id))
    if roles.led_direction_ids:
        parts.append(Q(level=Level.DIRECTION, assigned_direction_id__in=roles.led_direction_ids))
    if roles.is_dcai:
        parts.append(Q(level=Level.DCAI))
    if not parts:
        return None
    scope = parts[0]
    for part in parts[1:]:
        scope |= part
    return scope


def _never_concerned(queryset: QuerySet, user: AbstractBaseUser) -> QuerySet:
    profile_id = roles_for(user).profile_id
    return queryset.exclude(concerned_staff_id=profile_id) if profile_id else queryset


def incidents_visible_to(user: AbstractBaseUser) -> QuerySet:
    if not user.is_authenticated:
        return Incident.objects.none()
    condition = Q(declarer=user) | Q(pk__in=_shared_ids(user))
    scope = _handler_scope(user)
    if scope is not None:
        condition = scope if scope == Q() else condition | scope
    return _never_concerned(Incident.objects.filter(condition), user)


def get_incident_for(user: AbstractBaseUser, pk) -> Incident:
    """The incident if this person may see it, else 404 (never 403: its existence is not revealed)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    incident = (
        incidents_visible_to(user)
        .select_related(
            "declarer",
            "direction",
            "assigned_direction",
            "assigned_manager__user",
            "concerned_staff__user",
            "concerned_staff__direction",
            "taken_in_charge_by",
            "closed_by",
        )
        .filter(pk=pk)
        .first()
    )
    if incident is None:
        raise Http404
    return incident


# --- The viewer's capacity on one incident -----------------------------------------------------


@dataclass(frozen=True)
class Viewer:
    is_declarer: bool
    is_manager: bool
    is_direction_lead: bool
    is_dcai: bool
    is_shared: bool
    is_current_handler: bool

    @property
    def is_handler(self) -> bool:
        return self.is_manager or self.is_direction_lead or self.is_dcai

    @property
    def sees_internal(self) -> bool:
        """Internal notes, measures, takedowns, routing notes: handlers and the shared person."""
        return self.is_handler or self.is_shared

    @property
    def sees_declarer(self) -> bool:
        return self.is_dcai or self.is_declarer


def viewer_of(user: AbstractBaseUser, incident: Incident) -> Viewer:
    """What this person is to an incident they can see (call after get_incident_for)."""
    roles = roles_for(user)
    concerned = bool(roles.profile_id) and incident.concerned_staff_id == roles.profile_id
    if concerned:
        return Viewer(False, False, False, False, False, False)
    is_manager = bool(roles.profile_id) and incident.assigned_manager_id == roles.profile_id
    is_lead = incident.assigned_direction_id in roles.led_direction_ids
    is_shared = IncidentUserObjectPermission.objects.filter(
        user=user, permission__codename=SHARE_PERMISSION, content_object=incident
    ).exists()
    current = (
        (incident.level == Level.MANAGER and is_manager)
        or (incident.level == Level.DIRECTION and is_lead)
        or (incident.level == Level.DCAI and roles.is_dcai)
    )
    return Viewer(
        is_declarer=incident.declarer_id == user.pk,
        is_manager=is_manager,
        is_direction_lead=is_lead,
        is_dcai=roles.is_dcai,
        is_shared=is_shared,
        is_current_handler=current,
    )


def declarer_label(incident: Incident, viewer: Viewer) -> str:
    """§ confidentiality: the declarer's identity is for DCAI only when they asked for it."""
    if incident.confidential_declarer and not viewer.sees_declarer:
        return str(CONFIDENTIAL_DECLARER)
    user = incident.declarer
    return user.get_full_name() or user.get_username()


def has_open_request(incident: Incident) -> bool:
    return incident.messages.filter(kind=Message.Kind.REQUEST, answered_at__isnull=True).exists()


def available_actions(
    user: AbstractBaseUser, incident: Incident, viewer: Viewer | None = None, open_request: bool | None = None
) -> frozenset[str]:
    """What this person may do now; the detail page shows exactly these buttons and services re-check."""
    viewer = viewer or viewer_of(user, incident)
    actions: set[str] = set()
    if not incident.is_closed:
        if viewer.is_current_handler:
            actions |= {"request_information", "add_note", "record_measure"}
            if incident.status == Incident.Status.OPEN:
                actions.add("take_in_charge")
            if incident.level in (Level.MANAGER, Level.DIRECTION):
                actions.add("escalate")
            if incident.level in (Level.MANAGER, Level.DCAI):
                actions.add("close")
        if viewer.is_dcai:
            actions.add("add_note")  # DCAI follows every incident, urgent ones from the first minute
        if viewer.is_declarer:
            if open_request is None:
                open_request = has_open_request(incident)
            if open_request:
                actions.add("answer_information")
    if viewer.is_dcai:
        actions |= {"record_takedown", "share", "view_access_log"}
    return frozenset(actions)


# --- Lists ---------------------------------------------------------------------------------------


def declarations_of(user: AbstractBaseUser) -> QuerySet:
    """The declarer's own list, with a flag when a request waits for their answer."""
    open_requests = Message.objects.filter(
        incident=OuterRef("pk"), kind=Message.Kind.REQUEST, answered_at__isnull=True
    )
    return (
        _never_concerned(Incident.objects.filter(declarer=user), user)
        .annotate(waiting_for_me=Exists(open_requests))
        .order_by("-created_at", "-id")
    )


def can_use_queues(user: AbstractBaseUser) -> bool:
    roles = roles_for(user)
    return roles.is_manager or roles.is_direction_lead or roles.is_dcai


def queue_to_handle(user: AbstractBaseUser) -> QuerySet:
    scope = _current_level_scope(user)
    if scope is None:
        return Incident.objects.none()
    return _never_concerned(Incident.objects.filter(scope), user).order_by("-urgent", "deadline_at", "id")


def queue_overdue(user: AbstractBaseUser, now=None) -> QuerySet:
    return queue_to_handle(user).filter(deadline_at__lt=now or timezone.now())


def queue_recently_closed(user: AbstractBaseUser, now=None) -> QuerySet:
    scope = _handler_scope(user)
    if scope is None:
        return Incident.objects.none()
    since = (now or timezone.now()) - timedelta(days=RECENTLY_CLOSED_DAYS)
    return _never_concerned(
        Incident.objects.filter(scope, level=Level.CLOSED, closed_at__gte=since), user
    ).order_by("-closed_at", "-id")


def queue_counts(user: AbstractBaseUser, now=None) -> dict[str, int]:
    """To handle and overdue, in one query (home panel and navigation)."""
    now = now or timezone.now()
    return (
        queue_to_handle(user)
        .order_by()
        .aggregate(to_handle=Count("pk"), overdue=Count("pk", filter=Q(deadline_at__lt=now)))
    )


def institution_counts(now=None) -> dict[str, int]:
    """HR sees counts only, never content (§7.5 is about information, not investigation)."""
    now = now or timezone.now()
    since = now - timedelta(days=30)
    return Incident.objects.order_by().aggregate(
        open=Count("pk", filter=~Q(level=Level.CLOSED)),
        overdue=Count("pk", filter=~Q(level=Level.CLOSED) & Q(deadline_at__lt=now)),
        declared_30d=Count("pk", filter=Q(created_at__gte=since)),
        closed_30d=Count("pk", filter=Q(closed_at__gte=since)),
    )


STAFF_SUGGESTIONS_MIN_LENGTH = 2
STAFF_SUGGESTIONS_LIMIT = 10


def staff_suggestions(
    *, text: str, exclude_user: AbstractBaseUser | None = None, limit: int = STAFF_SUGGESTIONS_LIMIT
) -> list[StaffProfile]:
    """Active staff a declarer may name as concerned (§7.7): every word typed in their name, or exactly
    their employee number. One query, whatever the size of the staff; inactive people never appear.
    """
    text = " ".join((text or "").split())[:100]
    if len(text) < STAFF_SUGGESTIONS_MIN_LENGTH:
        return []
    by_name = Q()
    for word in text.split()[:5]:
        by_name &= Q(user__first_name__icontains=word) | Q(user__last_name__icontains=word)
    exact_number = Q(employee_number__iexact=text)
    queryset = (
        StaffProfile.objects.filter(is_active=True, user__is_active=True)
        .filter(by_name | exact_number)
        .select_related("user", "direction")
        .only(
            "pk",
            "employee_number",
            "user__username",
            "user__first_name",
            "user__last_name",
            "direction__code",
            "direction__name_fr",
            "direction__name_en",
        )
        .annotate(exact=Case(When(exact_number, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("exact", "user__last_name", "user__first_name", "pk")
    )
    if exclude_user is not None:
        queryset = queryset.exclude(user=exclude_user)
    return list(queryset[:limit])
