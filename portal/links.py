"""Links a list repeats on every row, resolved once per URL name instead of once per row.

`reverse()` walks the URL resolver on every call (about 30 µs): a queue of 25 incidents paid it 25 times for
links that differ only by their key (docs/rules.md, "Performance"). `reverse_with_pk` reverses the name once
per script prefix (a portal served under /portail/ has its own) and puts each key in place.
"""

from __future__ import annotations

from functools import lru_cache

from django.urls import get_script_prefix, reverse

# Stands for the key while the name is reversed, then is cut out: a number no URL of the portal otherwise holds.
_PLACEHOLDER = "2147483647"


@lru_cache(maxsize=64)
def _around(viewname: str, script_prefix: str) -> tuple[str, str]:
    head, _sep, tail = reverse(viewname, args=[int(_PLACEHOLDER)]).partition(_PLACEHOLDER)
    return head, tail


def reverse_with_pk(viewname: str, pk: int) -> str:
    """`reverse(viewname, args=[pk])` for a URL whose only argument is an integer key."""
    head, tail = _around(viewname, get_script_prefix())
    return f"{head}{int(pk)}{tail}"
