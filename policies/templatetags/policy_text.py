from django import template

from ..text import render_body

register = template.Library()


@register.filter
def policy_body(text: str):
    """Render a stored section body as safe HTML paragraphs and lists."""
    return render_body(text)
