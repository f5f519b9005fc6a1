"""CSV exports open in a French Excel by a double click: semicolons in French, commas in English, `?sep=`
to choose, a UTF-8 BOM for the accents (portal.exports)."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from portal.exports import csv_response, csv_separator, export_response

HEADER = ["Nom", "Direction", "Montant", "Le"]
ROWS = [
    ["Éloïse Tremblay", "Soins; urgence", "1,5", date(2026, 12, 1)],
    ['Dupont, "Jo"', '=HYPERLINK("x")', "2;3", None],
    ["Line\nbreak", "", "", date(2026, 1, 31)],
]
EXPECTED = [
    HEADER,
    ["Éloïse Tremblay", "Soins; urgence", "1,5", "2026-12-01"],
    ['Dupont, "Jo"', '\'=HYPERLINK("x")', "2;3", ""],
    ["Line\nbreak", "", "", "2026-01-31"],
]


def _parsed(response, delimiter: str) -> list[list[str]]:
    raw = response.content
    assert raw.startswith("\ufeff".encode()), "no BOM: Excel would read the accents as Latin-1"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=delimiter))


@pytest.mark.parametrize("separator", [";", ","])
def test_both_separators_parse_back_to_the_same_rows(separator):
    response = csv_response("x", HEADER, ROWS, separator=separator)
    assert _parsed(response, separator) == EXPECTED
    assert response.content.decode("utf-8-sig").splitlines()[0] == separator.join(HEADER)


@pytest.mark.parametrize(("language", "separator"), [("fr", ";"), ("en", ",")])
def test_the_default_follows_the_language(language, separator):
    with translation.override(language):
        assert csv_separator(None) == separator
        assert csv_separator("tab") == separator  # anything but the two is ignored
        response = export_response("csv", "x", HEADER, ROWS)
    assert _parsed(response, separator) == EXPECTED


@pytest.mark.parametrize(
    ("asked", "separator"), [(";", ";"), (",", ","), ("semicolon", ";"), ("virgule", ","), (" ; ", ";")]
)
def test_the_reader_chooses_whatever_the_language(asked, separator):
    for language in ("fr", "en"):
        with translation.override(language):
            assert csv_separator(asked) == separator


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "query", "separator"),
    [("fr", "", ";"), ("en", "", ","), ("fr", "?sep=,", ","), ("en", "?sep=%3B", ";")],
)
def test_an_export_page_follows_the_interface_and_the_query(org, login, settings, language, query, separator):
    client = login(org.user("diane"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language  # the language switch
    response = client.get(reverse("roster:export", args=["csv"]) + query)
    assert response.status_code == 200
    header = response.content.decode("utf-8-sig").splitlines()[0]
    other = "," if separator == ";" else ";"
    assert separator in header and other not in header
    assert len(_parsed(response, separator)[0]) > 3
