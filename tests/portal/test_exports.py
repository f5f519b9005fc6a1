import csv
import io

from openpyxl import load_workbook

from portal.exports import csv_response, neutralise, xlsx_response

ROWS = [["=HYPERLINK(\"http://x\")", "Alice"], ["+1", "-2"], ["@SUM(A1)", "Éloïse"]]


def test_neutralise_formula_cells():
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("Alice") == "Alice"
    assert neutralise(5) == 5


def test_csv_export_is_utf8_with_neutralised_cells():
    response = csv_response("x", ["Nom", "Prénom"], ROWS)
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Nom", "Prénom"]
    assert rows[1][0].startswith("'=")
    assert rows[3] == ["'@SUM(A1)", "Éloïse"]


def test_xlsx_export_opens_and_matches():
    response = xlsx_response("x", ["Nom", "Prénom"], ROWS)
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == ["Nom", "Prénom"]
    assert values[1][0] == "'=HYPERLINK(\"http://x\")"
    assert values[2] == ["'+1", "'-2"]
