"""The cells every incident list repeats on each row (status, the person in charge, the level's deadline),
drawn in Python: the same markup as a template per cell, without an include, a context and a template
variable lookup per row (docs/rules.md, "Performance").

{% load incident_cells %} then {% incident_status incident %}, {% holder_person incident %},
{% holder_deadline incident %}; the incident carries `holder` (incidents.selectors.holder).
A handler queue's rows are drawn whole: {% queue_rows incidents queue_name %}.
"""

from django import template
from django.utils import timezone
from django.utils.formats import date_format, get_format
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from portal.formats import formatter

from ..selectors.holder import HOLDER_FIELDS

register = template.Library()

_STATUS_CLASS = {"awaiting_declarer": "text-bg-warning", "open": "text-bg-info"}


@register.simple_tag
def incident_status(incident) -> SafeString:
    """Level and status as text; colour is a second signal only."""
    if incident.is_closed:
        outcome = f" – {incident.get_outcome_display()}" if incident.outcome else ""
        html = format_html('<span class="badge text-bg-secondary">{}{}</span>', gettext("Fermé"), outcome)
    else:
        html = format_html(
            '<span class="badge text-bg-primary">{}</span> <span class="badge {}">{}</span>',
            incident.get_level_display(),
            _STATUS_CLASS.get(incident.status, "badge-taken"),
            incident.get_status_display(),
        )
    if incident.urgent:
        html += format_html(
            ' <span class="badge text-bg-danger"><i class="bi bi-exclamation-triangle" aria-hidden="true"></i> {}'
            "</span>",
            gettext("Urgent"),
        )
    return html


@register.simple_tag
def holder_person(incident) -> SafeString:
    """Who holds the incident now: the person in charge, or who is to take it in charge."""
    holder = incident.holder
    if holder.closed:
        return format_html('—<span class="visually-hidden"> {}</span>', gettext("Dossier fermé"))
    if holder.taken:
        return format_html("{}", holder.person or holder.state_label)
    html = format_html('<span class="badge text-bg-warning">{}</span>', holder.state_label)
    if holder.expected:
        html += format_html('<span class="d-block small text-body-secondary">{}</span>', holder.expected)
    return html


@register.simple_tag
def holder_deadline(incident, *, zone=None, write=None) -> SafeString:
    """The deadline of the level, flagged when it has passed. A list passes its time zone and its date
    writer (`portal.formats.formatter`), read once for all its rows."""
    holder = incident.holder
    if not holder.deadline:
        return mark_safe("—")
    local = holder.deadline.astimezone(zone or timezone.get_current_timezone())
    shown = write(local) if write else date_format(local, "SHORT_DATETIME_FORMAT")
    html = format_html('<time datetime="{}">{}</time>', local.isoformat(), shown)
    if holder.overdue:
        html += format_html(' <span class="badge text-bg-danger">{}</span>', gettext("En retard"))
    return html


# The columns `queue_rows` reads, with what the holder needs: a queue loads only these (`QuerySet.only`).
QUEUE_ROW_FIELDS = (
    "reference",
    "created_at",
    "category",
    "platform",
    "status",
    "urgent",
    "outcome",
    "closed_at",
    *HOLDER_FIELDS,
)
_QUEUE_ROW = (
    '<tr><th scope="row"><a href="{}">{}</a></th><td data-label="{}">{}</td><td data-label="{}">{}</td>'
    '<td data-label="{}">{}</td><td data-label="{}">{}</td><td data-label="{}">{}</td>{}'
    '<td data-label="{}">{}</td></tr>'
)


@register.simple_tag
def queue_rows(incidents, queue_name: str) -> SafeString:
    """The rows of a handler queue (incidents/queue.html): reference, declared on, category, platform, direction,
    status, the person in charge (not for the recently closed), then the closing date or the deadline.

    Drawn for the list at once: the labels each cell repeats for small screens (`data-label`) are read and
    escaped once, the date formats compiled once (`portal.formats.formatter`), and a cell that many rows share
    (a category, a status, the person in charge) is drawn once per list."""
    declared, category, platform, direction, status, holder, closed_on, deadline = (
        conditional_escape(label)
        for label in (
            gettext("Déclaré le"),
            gettext("Catégorie"),
            gettext("Plateforme"),
            gettext("Direction"),
            gettext("Statut"),
            gettext("Responsable"),
            gettext("Fermé le"),
            gettext("Échéance"),
        )
    )
    show_holder = queue_name != "recemment-fermes"
    zone = timezone.get_current_timezone()
    short_date = formatter(get_format("SHORT_DATE_FORMAT"))
    short_datetime = formatter(get_format("SHORT_DATETIME_FORMAT"), with_time=True)
    shared: dict[tuple, SafeString] = {}

    def once(key: tuple, draw) -> SafeString:
        if key not in shared:
            shared[key] = conditional_escape(draw())
        return shared[key]

    def day(value) -> str:
        return short_date(value.astimezone(zone)) if value else ""

    def row(incident):
        held = incident.holder
        person = (
            once(("person", held.closed, held.taken, held.person, held.expected), lambda: holder_person(incident))
            if show_holder
            else ""
        )
        state = (incident.level, incident.status, incident.outcome, incident.urgent)
        return (
            incident.get_absolute_url(),
            incident.reference,
            declared,
            day(incident.created_at),
            category,
            once(("category", incident.category), incident.get_category_display),
            platform,
            once(("platform", incident.platform), incident.get_platform_display),
            direction,
            held.direction_code or "—",
            status,
            once(("status", *state), lambda: incident_status(incident)),
            format_html('<td data-label="{}">{}</td>', holder, person) if show_holder else "",
            *(
                (closed_on, day(incident.closed_at))
                if incident.is_closed
                else (deadline, holder_deadline(incident, zone=zone, write=short_datetime))
            ),
        )

    return format_html_join("\n", _QUEUE_ROW, (row(incident) for incident in incidents))
