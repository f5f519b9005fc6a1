"""Date and time formats per language (settings.FORMAT_MODULE_PATH): one style, never ambiguous.

Long dates spell the month ("1 December 2026", "1er décembre 2026"); short ones are ISO ("2026-12-01") in
both languages, never 12/01/2026; times on the 24-hour clock, so no "p.m." ends a sentence twice.

French writes the first day of a month as an ordinal: "1er décembre", "1er déc.", then "2 décembre". Django's
format strings cannot say it (their `S` is the English "st"/"nd"), so `install()`, called once when the
portal starts (portal.apps), wraps `django.utils.dateformat.format`, the one function every date in words
goes through: the `date` filter, `{{ value }}` in templates, `formats.date_format` in emails and PDFs. In
French, on the first of a month, a day (`j`) followed by a month name (F, M, N, E) gets "er"; English and
ISO dates are left as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache, partial
from typing import Any

from django.utils import dateformat, translation

# An unescaped day number followed by a month's name: "j F", "j M", "j N", "j E".
_DAY_BEFORE_MONTH = re.compile(r"(?<!\\)j(?=\s+[FMNE])")
_FIRST_OF_MONTH = r"j\\e\\r"  # "1" then the escaped letters "er" (e and r are format characters)


def french_first_day(format_string: str) -> str:
    """The format string that writes "1er" instead of "1" before a month name."""
    return _DAY_BEFORE_MONTH.sub(_FIRST_OF_MONTH, format_string)


def format_in_words(value: Any, format_string: Any, *, _format=dateformat.format) -> str:
    """`django.utils.dateformat.format`, with "1er" on the first of a month in French."""
    if getattr(value, "day", None) == 1 and (translation.get_language() or "").startswith("fr"):
        format_string = french_first_day(str(format_string))
    return _format(value, format_string)


def install() -> None:
    """Route Django's date formatting through `format_in_words` (once; a second call changes nothing)."""
    if dateformat.format is not format_in_words:
        dateformat.format = format_in_words


# Format characters written with digits only, as `django.utils.dateformat` writes them (date, then time).
_DIGITS = {
    "d": lambda v: f"{v.day:02d}",
    "j": lambda v: str(v.day),
    "m": lambda v: f"{v.month:02d}",
    "n": lambda v: str(v.month),
    "Y": lambda v: f"{v.year:04d}",
    "y": lambda v: f"{v.year % 100:02d}",
}
_TIME_DIGITS = {
    "H": lambda v: f"{v.hour:02d}",
    "G": lambda v: str(v.hour),
    "i": lambda v: f"{v.minute:02d}",
    "s": lambda v: f"{v.second:02d}",
}


@lru_cache(maxsize=64)
def formatter(format_string: str, *, with_time: bool = False) -> Callable[[Any], str]:
    """`dateformat.format(value, format_string)` for the many values of one list: the format read once.

    A format of digits only (the short ISO dates, "Y-m-d H:i") is written directly, about ten times faster
    than through a `DateFormat` per value; any other (month names, "1er", time zones) goes through
    `dateformat.format`. `with_time`: the values are datetimes, so hours and minutes may be written too.
    """
    digits = {**_DIGITS, **_TIME_DIGITS} if with_time else _DIGITS
    parts: list[str | Callable[[Any], str]] = []
    for index, piece in enumerate(dateformat.re_formatchars.split(format_string)):
        if index % 2:
            if piece not in digits:
                return partial(_through_django, format_string=format_string)
            parts.append(digits[piece])
        elif piece:
            parts.append(dateformat.re_escaped.sub(r"\1", piece))
    return partial(_write, parts=tuple(parts))


def _write(value: Any, *, parts: tuple) -> str:
    return "".join(part if isinstance(part, str) else part(value) for part in parts)


def _through_django(value: Any, *, format_string: str) -> str:
    return dateformat.format(value, format_string)  # the installed `format_in_words`, looked up at each call
