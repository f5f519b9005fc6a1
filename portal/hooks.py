"""The registry through which the organisation reaches the apps built on it (docs/architecture.md, "Layers").

`portal/` is the lowest layer: it never imports `policies` or `incidents`. When it needs something of
theirs (a home panel, a template flag, "has this person acknowledged the policy?"), the project's
settings name a callable by its dotted path, and these helpers call it. A setting names either one
callable (`hook`) or a list of them (`hooks`). A path that does not import fails loudly.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string


@cache
def _load(dotted: str) -> Callable[..., Any]:
    return import_string(dotted)


def hooks(setting: str) -> list[Callable[..., Any]]:
    """Every callable a list setting names, in order."""
    return [_load(dotted) for dotted in getattr(settings, setting)]


def hook(setting: str) -> Callable[..., Any]:
    """The one callable a setting names."""
    return _load(getattr(settings, setting))


def call_each(setting: str, *args: Any, **kwargs: Any) -> list[Any]:
    """Call every hook of a list setting with the same arguments; their results, in order."""
    return [function(*args, **kwargs) for function in hooks(setting)]
