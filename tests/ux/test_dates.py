"""Dates read one way in each language: month spelled out, or ISO; never 12/01/2026 nor "p.m."."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

WHEN = datetime(2026, 12, 1, 14, 5, tzinfo=ZoneInfo("America/Toronto"))
TEMPLATE = Template(
    '{{ when|date:"DATE_FORMAT" }}|{{ when|date:"DATETIME_FORMAT" }}|'
    '{{ when|date:"SHORT_DATE_FORMAT" }}|{{ when|date:"SHORT_DATETIME_FORMAT" }}|{{ when|time }}'
)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "1 December 2026|1 December 2026, 14:05|2026-12-01|2026-12-01 14:05|14:05"),
        ("fr", "1er décembre 2026|1er décembre 2026 14:05|2026-12-01|2026-12-01 14:05|14:05"),
    ],
)
def test_dates_are_unambiguous_in_each_language(settings, language, expected):
    settings.TIME_ZONE = "America/Toronto"
    with translation.override(language):
        assert TEMPLATE.render(Context({"when": WHEN})) == expected
