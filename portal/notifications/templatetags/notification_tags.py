from django import template

from ..selectors import unread_count_for_request

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """Unread notifications of the signed-in person: one query per request, whatever their number."""
    request = context.get("request")
    return unread_count_for_request(request) if request is not None else 0
