"""Forms of the incident page's actions that the page's context may not carry yet."""

from django import template

from ..forms import ReopenForm

register = template.Library()


@register.simple_tag
def reopen_form(forms):
    """The reopen form that came back with errors, else an empty one (no query)."""
    return (forms or {}).get("reopen") or ReopenForm()
