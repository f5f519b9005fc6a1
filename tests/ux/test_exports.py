"""Exports a spreadsheet reads well: times to the second, a frozen and filterable header, sized columns."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from portal.exports import MAX_WIDTH, csv_response, xlsx_response

MONTREAL = ZoneInfo("America/Montreal")
WHEN = datetime(2026, 12, 1, 14, 5, 7, 123456, tzinfo=MONTREAL)
HEADER = ["Référence", "Déclarée le", "Description"]
ROWS = [["INC-2026-00001", WHEN, "Courte"], ["INC-2026-00002", WHEN, "x" * 200]]


def test_csv_timestamps_have_no_microseconds(settings):
    settings.TIME_ZONE = "America/Montreal"
    text = csv_response("x", HEADER, ROWS).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[1][1] == "2026-12-01 14:05:07"


def test_xlsx_header_is_frozen_filterable_and_columns_are_sized(settings):
    settings.TIME_ZONE = "America/Montreal"
    sheet = load_workbook(io.BytesIO(xlsx_response("x", HEADER, ROWS).content)).active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:C3"
    assert sheet["B2"].value == datetime(2026, 12, 1, 14, 5, 7)  # to the second, local time
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABC"}
    assert widths["A"] >= len("INC-2026-00001")
    assert widths["B"] >= len("2026-12-01 14:05:07")
    assert widths["C"] == MAX_WIDTH  # a 200-character description wraps instead of widening the sheet
