import datetime
import math

from django import template

from portal.accounts import config

register = template.Library()


@register.filter
def minutes(value) -> int:
    """A duration in whole minutes, rounded up (at least 1)."""
    if isinstance(value, datetime.timedelta):
        return max(1, math.ceil(value.total_seconds() / 60))
    return 0


@register.simple_tag
def oidc_sign_in_offered() -> bool:
    return config.oidc_enabled()
