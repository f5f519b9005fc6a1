"""Declaring an incident (§7.7: every staff member reports what they see; §6.3 authorized users)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import StaffProfile
from portal.roles import dcai_officers, roles_for

from ..evidence import CleanFile, remove_private, write_private
from ..models import Event, Evidence, Incident, ReferenceCounter
from ..routing import Route, initial_route
from ._common import IncidentActionError, Level, log, move_to, notify_about, notify_routed


def allocate_reference(year: int) -> str:
    """INC-YYYY-NNNNN from a per-year counter row locked for the length of the transaction."""
    ReferenceCounter.objects.bulk_create([ReferenceCounter(year=year, last=0)], ignore_conflicts=True)
    counter = ReferenceCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"INC-{year}-{counter.last:05d}"


def refuse_duplicate_evidence(incident: Incident, files: list[CleanFile]) -> None:
    """The same file (same SHA-256 of the kept copy) twice on one incident is refused, each named.

    Refused rather than kept once: the person most likely meant to attach another file, and can still
    choose it now (the form keeps what they typed). Compared only with this incident's files, which the
    person sees: whether the file is kept on another incident is never looked up, so never revealed.
    """
    messages: list[str] = []
    first_of: dict[str, str] = {}
    for clean in files:
        if clean.sha256 in first_of:
            messages.append(
                _("« %(name)s » est le même fichier que « %(first)s » : joignez-le une seule fois.")
                % {"name": clean.original_name, "first": first_of[clean.sha256]}
            )
        else:
            first_of[clean.sha256] = clean.original_name
    if incident.pk is not None:
        attached = set(Evidence.objects.filter(incident=incident, sha256__in=first_of).values_list("sha256", flat=True))
        messages.extend(
            _("« %(name)s » est déjà jointe à ce dossier : retirez-la de votre sélection.") % {"name": name}
            for sha256, name in first_of.items()
            if sha256 in attached
        )
    if messages:
        raise IncidentActionError({"evidence": messages})


def attach_evidence(
    incident: Incident, files: list[CleanFile], *, actor: AbstractBaseUser | None, written: list[str]
) -> list[Evidence]:
    """Store the files and their rows; the same file twice on the incident is refused first, nothing written."""
    refuse_duplicate_evidence(incident, files)
    rows = []
    for clean in files:
        stored = write_private(clean)
        written.append(stored)
        rows.append(
            Evidence(
                incident=incident,
                stored_name=stored,
                original_name=clean.original_name,
                content_type=clean.content_type,
                size=clean.size,
                sha256=clean.sha256,
                uploaded_by=actor,
            )
        )
    return Evidence.objects.bulk_create(rows)


def incident_declare(
    *,
    declarer: AbstractBaseUser | None,
    description: str,
    platform: str,
    links: str = "",
    seen_at: datetime,
    category: str,
    patient_info_exposed: bool,
    still_online: str = Incident.StillOnline.UNKNOWN,
    concerned_kind: str,
    concerned_staff: StaffProfile | None = None,
    route_choice: str = Incident.RouteChoice.NORMAL,
    route_reason: str = "",
    confidential_declarer: bool = False,
    evidence: list[CleanFile] | None = None,
    source: str = Incident.Source.STAFF,
    reporter_contact: str = "",
) -> Incident:
    """§7.7: record a declaration and send it where §7.6 / §7.4 / §6.3 say it goes (incidents.routing).

    Patient-information cases (§6.1) alert DCAI at once, marked urgent, whatever the route. The new
    incident starts "to take in charge" (`incidents.rules.INCIDENT_WORKFLOW`).

    An anonymous or external declaration (`source`, intake/) has no declarer and goes to DCAI: there is no
    manager to route it to (§7.3); only an external reporter may leave contact details.
    """
    now = timezone.now()
    unnamed = source != Incident.Source.STAFF
    if source not in Incident.Source.values or unnamed != (declarer is None):
        raise ValueError("a staff declaration names its declarer; an anonymous or external one never does")
    if source != Incident.Source.EXTERNAL:
        reporter_contact = ""
    profile = roles_for(declarer).profile
    if concerned_kind == Incident.Concerned.STAFF and concerned_staff is None:
        raise IncidentActionError(_("Nommez l'intervenant concerné."))
    if concerned_kind != Incident.Concerned.STAFF:
        concerned_staff = None
    if declarer is not None and concerned_staff is not None and concerned_staff.user_id == declarer.pk:
        raise IncidentActionError(_("Vous ne pouvez pas vous nommer comme personne concernée."))
    if route_choice != Incident.RouteChoice.NORMAL and not route_reason.strip():
        raise IncidentActionError(_("Indiquez pourquoi la déclaration doit aller directement à ce niveau."))
    if route_choice == Incident.RouteChoice.NORMAL:
        route_reason = ""
    if seen_at > now + timedelta(minutes=5):
        raise IncidentActionError(_("La date à laquelle le contenu a été vu ne peut pas être dans le futur."))

    urgent = bool(patient_info_exposed) or category == Incident.Category.PATIENT_INFO
    written: list[str] = []
    try:
        with transaction.atomic():
            if unnamed:
                route = Route(Level.DCAI, why=source)
            else:
                route = initial_route(
                    declarer=declarer,
                    declarer_profile=profile,
                    route_choice=route_choice,
                    concerned_staff=concerned_staff,
                )
            direction = (
                concerned_staff.direction if concerned_staff else (profile.direction if profile else None)
            )
            incident = Incident(
                reference=allocate_reference(timezone.localdate(now).year),
                declarer=declarer,
                source=source,
                reporter_contact=reporter_contact.strip(),
                confidential_declarer=confidential_declarer and not unnamed,
                description=description.strip(),
                platform=platform,
                links=links.strip(),
                seen_at=seen_at,
                category=category,
                patient_info_exposed=bool(patient_info_exposed),
                still_online=still_online,
                concerned_kind=concerned_kind,
                concerned_staff=concerned_staff,
                route_choice=route_choice,
                route_reason=route_reason.strip(),
                urgent=urgent,
                direction=direction,
            )
            move_to(incident, route, now)
            incident.save()
            log(incident, kind=Event.Kind.DECLARED, actor=declarer, visible_to_declarer=True, new=True)
            log(
                incident,
                kind=Event.Kind.ROUTED,
                actor=None,
                reason=route.why,
                visible_to_declarer=True,
                new=True,
            )
            if evidence:
                attach_evidence(incident, evidence, actor=declarer, written=written)
            # The declarer's own receipt: the one notification that goes to the person who acted.
            if declarer is not None:
                notify_about(incident, "incidents.declared", [declarer], context={"level": incident.level})
            if urgent:
                log(incident, kind=Event.Kind.URGENT_ALERT, actor=None)
                notify_about(
                    incident,
                    "incidents.urgent_patient_info",
                    dcai_officers(),
                    actor=declarer,
                    context={"level": incident.level},
                    urgent=True,
                )
            if not (urgent and incident.level == Level.DCAI):
                notify_routed(incident, actor=declarer)
    except Exception:
        remove_private(written)
        raise
    return incident
