"""Who sees which incident, and what they are to it (docs/rules.md, "Who sees what").

| Person | Sees |
|---|---|
| Declarer | their own declarations, without internal notes (§7.7) |
| Manager | incidents routed to them at manager level, and those they handled since (§7.6) |
| Direction head or delegate | incidents of their direction from direction level on (and after) (§7.4) |
| DCAI | all (§7.3) |
| HR | none (counts only, §7.5) |
| Person named as concerned | never, whatever else they are |
| Person DCAI shared one incident with | that incident (§7.3) |
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from portal.roles import roles_for

from .. import rules
from ..models import (
    SHARE_PERMISSION,
    AccessLog,
    Evidence,
    Incident,
    IncidentUserObjectPermission,
    Message,
    RegisterEntry,
)
from ..rules import NOBODY, Viewer

CONFIDENTIAL_DECLARER = _("Déclarant confidentiel")


def pk_or_404(value) -> int:
    """An id from the URL or the query string; anything else is a page that does not exist."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def _shared_ids(user: AbstractBaseUser) -> QuerySet:
    return IncidentUserObjectPermission.objects.filter(
        user=user, permission__codename=SHARE_PERMISSION
    ).values("content_object_id")


def handler_scope(user: AbstractBaseUser) -> Q | None:
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


def never_concerned(queryset: QuerySet, user: AbstractBaseUser) -> QuerySet:
    """The person named as concerned never sees the incident, whatever else they are (docs/rules.md)."""
    profile_id = roles_for(user).profile_id
    return queryset.exclude(concerned_staff_id=profile_id) if profile_id else queryset


def incidents_visible_to(user: AbstractBaseUser) -> QuerySet:
    if not user.is_authenticated:
        return Incident.objects.none()
    condition = Q(declarer=user) | Q(pk__in=_shared_ids(user))
    scope = handler_scope(user)
    if scope is not None:
        condition = scope if scope == Q() else condition | scope
    return never_concerned(Incident.objects.filter(condition), user)


def get_incident_for(user: AbstractBaseUser, pk, **annotations) -> Incident:
    """The incident if this person may see it, else 404 (never 403: its existence is not revealed).

    `annotations`: more to read with it (the incident page's `page.SECTIONS_PRESENT`)."""
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
        # Read with the incident rather than by the page afterwards (docs/rules.md, "Performance"):
        # whether DCAI shared it with this person (`viewer_of`), and its register entry's id.
        .annotate(
            viewer_shared=Exists(_shared_ids(user).filter(content_object=OuterRef("pk"))),
            register_entry_pk=Subquery(RegisterEntry.objects.filter(incident=OuterRef("pk")).values("pk")[:1]),
            **annotations,
        )
        .filter(pk=pk_or_404(pk))
        .first()
    )
    if incident is None:
        raise Http404
    return incident


def get_own_declaration_for(user: AbstractBaseUser, pk) -> Incident:
    """The declarer's own declaration (the confirmation page), else 404."""
    incident = get_incident_for(user, pk)
    if incident.declarer_id != user.pk:
        raise Http404
    return incident


def get_evidence_for(user: AbstractBaseUser, incident: Incident, evidence_pk) -> Evidence:
    """A file of an incident this person sees (fetched with get_incident_for), else 404."""
    item = Evidence.objects.filter(pk=pk_or_404(evidence_pk), incident=incident).first()
    if item is None:
        raise Http404
    return item


# --- The viewer's capacity on one incident -----------------------------------------------------


def viewer_of(user: AbstractBaseUser, incident: Incident) -> Viewer:
    """What this person is to an incident they can see (call after get_incident_for)."""
    roles = roles_for(user)
    if rules.is_concerned(roles, incident):
        return NOBODY
    is_shared = getattr(incident, "viewer_shared", None)
    if is_shared is None:
        is_shared = IncidentUserObjectPermission.objects.filter(
            user=user, permission__codename=SHARE_PERMISSION, content_object=incident
        ).exists()
    return Viewer(
        is_declarer=incident.declarer_id == user.pk,
        is_manager=bool(roles.profile_id) and incident.assigned_manager_id == roles.profile_id,
        is_direction_lead=incident.assigned_direction_id in roles.led_direction_ids,
        is_dcai=roles.is_dcai,
        is_shared=is_shared,
        is_current_handler=rules.is_current_handler(roles, incident),
    )


def declarer_label(incident: Incident, viewer: Viewer) -> str:
    """The declarer's identity is for DCAI only when they asked for it (docs/rules.md)."""
    if incident.declarer_id is None:
        # Anonymous or external (intake/): nobody is named; an external reporter's contact is for DCAI.
        if incident.reporter_contact and viewer.is_dcai:
            return f"{incident.get_source_display()} : {incident.reporter_contact}"
        return str(incident.get_source_display())
    if incident.confidential_declarer and not viewer.sees_declarer:
        return str(CONFIDENTIAL_DECLARER)
    user = incident.declarer
    return user.get_full_name() or user.get_username()


def has_open_request(incident: Incident) -> bool:
    return incident.messages.filter(kind=Message.Kind.REQUEST, answered_at__isnull=True).exists()


def available_actions(
    user: AbstractBaseUser, incident: Incident, viewer: Viewer | None = None, open_request: bool | None = None
) -> frozenset[str]:
    """What this person may do now (incidents.rules.actions_for): the detail page shows exactly these
    buttons and every service re-checks the same answer on the locked row."""
    viewer = viewer or viewer_of(user, incident)
    if open_request is None:
        open_request = viewer.is_declarer and has_open_request(incident)
    return rules.actions_for(viewer, incident, open_request=open_request)


def shared_with(incident: Incident) -> QuerySet:
    """The people DCAI shared this incident with (§7.3)."""
    return (
        get_user_model()
        .objects.filter(
            incidentuserobjectpermission__content_object=incident,
            incidentuserobjectpermission__permission__codename=SHARE_PERMISSION,
        )
        .order_by("last_name", "first_name")
    )


def access_log_of(user: AbstractBaseUser, incident: Incident) -> QuerySet:
    """The access log of an incident: DCAI only (§7.3); anyone else gets 404."""
    if rules.VIEW_ACCESS_LOG not in available_actions(user, incident):
        raise Http404
    return AccessLog.objects.filter(incident=incident).select_related("user", "evidence")
