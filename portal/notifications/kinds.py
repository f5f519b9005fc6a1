"""Registry of notification kinds. Each app registers its kinds in its AppConfig.ready().

A kind has a translatable title (the email subject and in-app line) and flags:
`reminder` kinds may be grouped in the daily digest; `urgent` kinds never are.
An optional `detail` is a translatable format string filled from the notification's context, e.g.
`_("Échéance : %(due)s")`; a value that looks like an ISO date is shown in the reader's language.
"""

import datetime
import logging
import re
from dataclasses import dataclass

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Kind:
    code: str
    title: Promise | str
    reminder: bool = False
    urgent: bool = False
    detail: Promise | str | None = None


_KINDS: dict[str, Kind] = {}

# Shown for a row whose kind is no longer registered (code removed): never crash a page or a delivery.
FALLBACK_TITLE = _("Avis du portail")


def register(
    code: str,
    title: Promise | str,
    *,
    reminder: bool = False,
    urgent: bool = False,
    detail: Promise | str | None = None,
) -> Kind:
    kind = Kind(code=code, title=title, reminder=reminder, urgent=urgent, detail=detail)
    _KINDS[code] = kind
    return kind


def get_kind(code: str) -> Kind:
    try:
        return _KINDS[code]
    except KeyError:
        raise LookupError(f"Unknown notification kind {code!r}: register it in the app's ready()") from None


def all_kinds() -> dict[str, Kind]:
    return dict(_KINDS)


def kind_title(code: str) -> str:
    kind = _KINDS.get(code)
    return str(kind.title) if kind else str(FALLBACK_TITLE)


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _display(value):
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return formats.date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
        except ValueError:
            return value
    return value


def kind_detail(code: str, context: dict | None) -> str:
    kind = _KINDS.get(code)
    if kind is None or not kind.detail:
        return ""
    values = {key: _display(value) for key, value in (context or {}).items()}
    try:
        return str(kind.detail) % values
    except (KeyError, TypeError, ValueError):
        logger.warning("Notification kind %s: detail does not fit its context keys %s", code, sorted(values))
        return ""
