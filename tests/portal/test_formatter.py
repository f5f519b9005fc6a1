"""portal.formats.formatter writes what `dateformat.format` writes, for every format it is given: digits
directly, anything else (month names, "1er", time zones) through Django."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import dateformat, translation

from portal.formats import formatter

MONTREAL = ZoneInfo("America/Montreal")
DATETIMES = [
    datetime(1999, 1, 1, 0, 0, 5, tzinfo=MONTREAL) + timedelta(days=d, hours=d % 24, minutes=d * 7 % 60)
    for d in range(0, 12_000, 97)
] + [datetime(2026, 12, 1, 9, 3, tzinfo=MONTREAL), datetime(5, 3, 4, 23, 59)]
DATE_FORMATS = ["Y-m-d", "d/m/Y", "j/n/y", r"\Y Y \d\u j", "Y-m-d à", "j F Y", "D j M", "N j, Y", "jS F"]
TIME_FORMATS = ["Y-m-d H:i", "G\\hi", "H:i:s", "Y-m-d H:i T", "j F Y H:i", "P", "H:i e"]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_same_text_as_django(language):
    with translation.override(language):
        for value in DATETIMES:
            for format_string in DATE_FORMATS:
                for day in (value, value.date()):
                    assert formatter(format_string)(day) == dateformat.format(day, format_string), format_string
            for format_string in TIME_FORMATS + DATE_FORMATS:
                expected = dateformat.format(value, format_string)
                assert formatter(format_string, with_time=True)(value) == expected, format_string


def test_digits_only_are_written_directly_and_the_rest_by_django():
    assert formatter("Y-m-d").func.__name__ == "_write"
    assert formatter("Y-m-d H:i", with_time=True).func.__name__ == "_write"
    assert formatter("Y-m-d H:i").func.__name__ == "_through_django"  # a date has no hours
    assert formatter("j F Y").func.__name__ == "_through_django"
    with translation.override("fr"):
        assert formatter("j F Y")(date(2026, 12, 1)) == "1er décembre 2026"
