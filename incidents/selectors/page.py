"""Everything the incident page shows, cut to what the person may see (docs/rules.md, "Who sees what").

The page view adds its forms and renders; what to show, to whom and under which name is decided here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef

from .. import rules
from ..models import (
    SHARE_PERMISSION,
    Event,
    Evidence,
    Incident,
    IncidentUserObjectPermission,
    InternalNote,
    Measure,
    Message,
    RegisterEntry,
    Takedown,
)
from ..routing import Route, next_route
from ..rules import Viewer
from .holder import holder_of
from .register import register_entry_of
from .visibility import available_actions, declarer_label, get_incident_for, shared_with, viewer_of

# Whether each list of the page has rows, read with the incident (docs/rules.md, "Performance"): an empty
# section costs no query of its own. Read in the same request as the lists, so never stale.
SECTIONS_PRESENT = {
    **{
        f"has_{name}": Exists(model.objects.filter(incident=OuterRef("pk")))
        for name, model in (
            ("messages", Message),
            ("evidence", Evidence),
            ("notes", InternalNote),
            ("measures", Measure),
            ("takedowns", Takedown),
        )
    },
    "has_shares": Exists(
        IncidentUserObjectPermission.objects.filter(
            content_object=OuterRef("pk"), permission__codename=SHARE_PERMISSION
        )
    ),
}


@dataclass
class IncidentPage:
    incident: Incident
    viewer: Viewer
    actions: frozenset[str]
    declarer_name: str
    events: list[Event]
    messages: list[Message]
    evidence: Any
    next_route: Route | None = None
    internal: dict[str, Any] = field(default_factory=dict)
    shared_people: Any = None
    register_entry: Any = None


def timeline_for(incident: Incident, viewer: Viewer, declarer_name: str) -> list[Event]:
    """The incident's history as this viewer may read it.

    The declarer (and anyone who does not see internal matters) reads only the steps meant for them.
    Each step carries `actor_label`: the declarer's own steps carry the same label as the declarer line,
    so a confidential declarer stays confidential in the history too (docs/rules.md).
    """
    events = Event.objects.filter(incident=incident).select_related("actor")
    if not viewer.sees_internal:
        events = events.filter(visible_to_declarer=True)
    events = list(events)
    for event in events:
        if event.actor_id is None:
            event.actor_label = ""
        elif event.actor_id == incident.declarer_id:
            event.actor_label = declarer_name
        else:
            event.actor_label = event.actor.get_full_name() or event.actor.get_username()
    return events


def _register_entry(incident: Incident) -> RegisterEntry | None:
    """The page links to the entry: its id, read with the incident (`get_incident_for`), is enough."""
    if not hasattr(incident, "register_entry_pk"):
        return register_entry_of(incident)
    return RegisterEntry(pk=incident.register_entry_pk, incident=incident) if incident.register_entry_pk else None


def get_incident_page_for(user: AbstractBaseUser, pk) -> Incident:
    """`get_incident_for`, with what the page reads along (`SECTIONS_PRESENT`)."""
    return get_incident_for(user, pk, **SECTIONS_PRESENT)


def _has(incident: Incident, section: str) -> bool:
    """False only when the incident was read with `SECTIONS_PRESENT` and the section is empty."""
    return getattr(incident, f"has_{section}", True)


def _section(incident: Incident, section: str, rows):
    return rows if _has(incident, section) else rows.none()


def incident_page(user: AbstractBaseUser, incident: Incident) -> IncidentPage:
    """The incident page of an incident this person sees (fetched with get_incident_for, or with
    get_incident_page_for: then an empty section is not queried)."""
    viewer = viewer_of(user, incident)
    messages = (
        list(Message.objects.filter(incident=incident).select_related("author")) if _has(incident, "messages") else []
    )
    open_request = any(m.kind == Message.Kind.REQUEST and m.answered_at is None for m in messages)
    actions = available_actions(user, incident, viewer, open_request=open_request)
    declarer_name = declarer_label(incident, viewer)
    # Who holds it now; the person's name only for those who see internal matters (incidents.selectors.holder).
    incident.holder = holder_of(incident, show_person=viewer.sees_internal)
    page = IncidentPage(
        incident=incident,
        viewer=viewer,
        actions=actions,
        declarer_name=declarer_name,
        events=timeline_for(incident, viewer, declarer_name),
        messages=messages,
        evidence=_section(
            incident, "evidence", Evidence.objects.filter(incident=incident).select_related("uploaded_by")
        ),
        next_route=next_route(incident) if rules.ESCALATE in actions else None,
    )
    if viewer.sees_internal:
        page.internal = {
            "notes": _section(incident, "notes", incident.notes.select_related("author")),
            "measures": _section(incident, "measures", incident.measures.select_related("recorded_by")),
            "takedowns": _section(incident, "takedowns", incident.takedowns.all()),
        }
    if rules.SHARE in actions:
        page.shared_people = _section(incident, "shares", shared_with(incident))
    if rules.REGISTER in actions:
        page.register_entry = _register_entry(incident)
    return page
