"""French writes the first day of a month "1er" ("1er décembre 2026"), wherever a date is in words: the
`date` filter, `{{ value }}`, `formats.date_format` (emails, PDFs). English stays "1 December 2026"."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import dateformat, formats, translation

from portal.formats import format_in_words, french_first_day
from portal.notifications.kinds import _display

PAGE = Template(
    '{{ day|date:"DATE_FORMAT" }}|{{ when|date:"DATETIME_FORMAT" }}|{{ day }}|{{ day|date:"j F" }}|'
    '{{ day|date:"SHORT_DATE_FORMAT" }}|{{ day|date:"j/n" }}'
)
TORONTO = ZoneInfo("America/Toronto")


def _render(day: int) -> str:
    return PAGE.render(Context({"day": date(2026, 12, day), "when": datetime(2026, 12, day, 14, 5, tzinfo=TORONTO)}))


@pytest.mark.parametrize(
    ("language", "day", "expected"),
    [
        ("fr", 1, "1er décembre 2026|1er décembre 2026 14:05|1er décembre 2026|1er décembre|2026-12-01|1/12"),
        ("fr", 2, "2 décembre 2026|2 décembre 2026 14:05|2 décembre 2026|2 décembre|2026-12-02|2/12"),
        ("fr", 11, "11 décembre 2026|11 décembre 2026 14:05|11 décembre 2026|11 décembre|2026-12-11|11/12"),
        ("fr", 21, "21 décembre 2026|21 décembre 2026 14:05|21 décembre 2026|21 décembre|2026-12-21|21/12"),
        ("en", 1, "1 December 2026|1 December 2026, 14:05|1 December 2026|1 December|2026-12-01|1/12"),
        ("en", 21, "21 December 2026|21 December 2026, 14:05|21 December 2026|21 December|2026-12-21|21/12"),
    ],
)
def test_the_first_of_the_month_is_1er_in_french_only(settings, language, day, expected):
    settings.TIME_ZONE = "America/Toronto"
    with translation.override(language):
        assert _render(day) == expected


def test_python_code_and_emails_write_it_too():
    with translation.override("fr"):
        assert formats.date_format(date(2027, 1, 1), "DATE_FORMAT") == "1er janvier 2027"
        assert _display("2027-01-01") == "1er janvier 2027"  # a date in a notification's detail
        assert formats.date_format(date(2027, 1, 1), "j M Y").startswith("1er ")
    with translation.override("en"):
        assert _display("2027-01-01") == "1 January 2027"


def test_the_format_string_rule():
    assert french_first_day("j F Y") == r"j\e\r F Y"
    assert french_first_day("j F Y H:i") == r"j\e\r F Y H:i"
    assert french_first_day("j M") == r"j\e\r M"
    assert french_first_day("Y-m-d") == "Y-m-d" and french_first_day("j/n/Y") == "j/n/Y"
    assert french_first_day(r"\j F") == r"\j F"  # an escaped letter is text
    assert dateformat.format is format_in_words  # installed when the portal starts


@pytest.mark.parametrize("language", ["fr", "en"])
def test_no_format_uses_the_12_hour_clock(language):
    """No "a.m."/"p.m." (and so no "p.m.." at the end of a sentence): every time is on the 24-hour clock."""
    with translation.override(language):
        for name in ("DATETIME_FORMAT", "TIME_FORMAT", "SHORT_DATETIME_FORMAT"):
            assert not re.search(r"(?<!\\)[aAPfgh]", formats.get_format(name)), name
        assert "m." not in formats.date_format(datetime(2026, 12, 1, 21, 30), "DATETIME_FORMAT")
