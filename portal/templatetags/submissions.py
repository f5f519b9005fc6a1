"""`{% submission_key %}`: the one-time key of a create form (portal.submissions)."""

from django import template
from django.utils.html import format_html

from portal.submissions import FIELD, new_key

register = template.Library()


@register.simple_tag
def submission_key() -> str:
    """A hidden field with a fresh key; put it inside every form whose view uses `attempt_once`."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_key())
