"""Registry of notification kinds. Each app registers its kinds in its AppConfig.ready().

A kind has a translatable title (the email subject and in-app line) and flags:
`reminder` kinds may be grouped in the daily digest; `urgent` kinds never are.
"""

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Kind:
    code: str
    title: Promise | str
    reminder: bool = False
    urgent: bool = False


_KINDS: dict[str, Kind] = {}


def register(code: str, title: Promise | str, *, reminder: bool = False, urgent: bool = False) -> Kind:
    kind = Kind(code=code, title=title, reminder=reminder, urgent=urgent)
    _KINDS[code] = kind
    return kind


def get_kind(code: str) -> Kind:
    try:
        return _KINDS[code]
    except KeyError:
        raise LookupError(f"Unknown notification kind {code!r}: register it in the app's ready()") from None


def all_kinds() -> dict[str, Kind]:
    return dict(_KINDS)
