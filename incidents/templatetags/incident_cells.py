"""The cells every incident list repeats on each row (status, the person in charge, the level's deadline),
drawn in Python: the same markup as a template per cell, without an include, a context and a template
variable lookup per row (docs/rules.md, "Performance").

{% load incident_cells %} then {% incident_status incident %}, {% holder_person incident %},
{% holder_deadline incident %}; the incident carries `holder` (incidents.selectors.holder).
"""

from django import template
from django.utils import dateformat, timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

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
def holder_deadline(incident) -> SafeString:
    """The deadline of the level, flagged when it has passed."""
    holder = incident.holder
    if not holder.deadline:
        return mark_safe("—")
    local = timezone.localtime(holder.deadline)
    html = format_html(
        '<time datetime="{}">{}</time>', dateformat.format(local, "c"), date_format(local, "SHORT_DATETIME_FORMAT")
    )
    if holder.overdue:
        html += format_html(' <span class="badge text-bg-danger">{}</span>', gettext("En retard"))
    return html
