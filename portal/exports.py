"""Tabular exports (CSV and XLSX) shared by every report of the portal.

A CSV opens in a spreadsheet by a double click: it starts with a UTF-8 BOM (accents), and its separator is
the one the reader's spreadsheet expects. A French Excel splits on semicolons (the comma is its decimal
mark), an English one on commas: the default follows the interface language, and `?sep=;` or `?sep=,`
on any CSV export chooses (`csv_separator`).

Cells that a spreadsheet would read as a formula (=, +, -, @, tab, carriage return) are prefixed
with an apostrophe so a name such as "=HYPERLINK(...)" stays text (CSV/formula injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.http import HttpResponse
from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
SEPARATORS = {",": ",", ";": ";", "comma": ",", "semicolon": ";", "virgule": ",", "point-virgule": ";"}


def default_separator() -> str:
    """The separator of the active language's spreadsheets: ";" in French, "," otherwise."""
    return ";" if (translation.get_language() or "").startswith("fr") else ","


def csv_separator(asked: str | None = None) -> str:
    """The separator asked for (";", ",", or their names: the value of `?sep=`), else the language's
    default; anything else is ignored."""
    return SEPARATORS.get((asked or "").strip().lower()) or default_separator()


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _plain(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        # Local wall-clock time to the second: microseconds only clutter a spreadsheet.
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, (date, int, float)):
        return value
    return neutralise(str(value))


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]], *, separator: str | None = None
) -> HttpResponse:
    """`separator` as asked for by the reader (`?sep=`), checked by `csv_separator`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=csv_separator(separator))
    writer.writerow([neutralise(str(h)) for h in header])
    for row in rows:
        writer.writerow([_plain(v) for v in row])
    # BOM so Excel opens UTF-8 accents correctly.
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


MIN_WIDTH, MAX_WIDTH = 8, 60
DATETIME_WIDTH = 19  # "2026-12-01 14:05:00"


def _width(value: Any) -> int:
    if isinstance(value, datetime):
        return DATETIME_WIDTH
    return max((len(line) for line in str(value).splitlines()), default=0)


def column_widths(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[int]:
    """A width per column from its longest cell, within bounds (a long description wraps at MAX_WIDTH)."""
    widths = [len(str(h)) for h in header]
    for row in rows:
        for index, value in enumerate(row[: len(widths)]):
            widths[index] = max(widths[index], _width(value))
    return [min(max(width + 2, MIN_WIDTH), MAX_WIDTH) for width in widths]


def xlsx_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]], title: str = "") -> HttpResponse:
    """A sheet that opens ready to read: header row frozen and filterable, columns sized to their content."""
    cells = [[_plain(v) for v in row] for row in rows]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(title or filename)[:31])
    sheet.freeze_panes = "A2"
    for index, width in enumerate(column_widths(header, cells), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    if header:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(cells) + 1}"
    sheet.append([neutralise(str(h)) for h in header])
    for row in cells:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def export_response(
    fmt: str,
    filename: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    separator: str | None = None,
) -> HttpResponse:
    """`fmt` is "csv" or "xlsx"; anything else is the caller's bug (validate it in the view). The views pass
    `separator=request.GET.get("sep")` (see `csv_separator`); XLSX has none."""
    if fmt == "xlsx":
        return xlsx_response(filename, header, rows)
    if fmt == "csv":
        return csv_response(filename, header, rows, separator=separator)
    raise ValueError(f"unknown export format {fmt!r}")
