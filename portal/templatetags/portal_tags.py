from django import template
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs) -> str:
    """The current query string with some parameters replaced (pagination keeps filters)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return query.urlencode()


@register.simple_tag
def colon() -> str:
    """The colon between a label and its value, by the typography of the current language: French puts a
    space before it, English does not (a rule of each language, not a text to translate)."""
    return " : " if (get_language() or "fr").startswith("fr") else ": "
