"""Server-drawn charts of the statistics: plain SVG attributes, no script and no inline style (strict CSP),
each shown with a table of the same values (templates/incidents/statistics/_bars.html, _months.html).

Bars are drawn one per row, the label and the value in HTML beside an SVG bar, so labels stay readable and
wrap on a phone; months are columns in one SVG, like the HR dashboard's chart.
"""

from __future__ import annotations

from dataclasses import dataclass

BAR_COLOUR = "#0d6efd"
ALERT_COLOUR = "#b02a37"
# A narrow drawing with large text stays readable once scaled down to a phone's width.
MONTHS_WIDTH = 480
MONTHS_HEIGHT = 210
_LEFT, _RIGHT, _TOP, _BOTTOM = 34, 6, 22, 30


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    percent: float  # width of the bar, 0-100, against the largest value
    share: float  # share of the total, in percent
    code: str = ""


def bars(rows: list[tuple[str, str, int]]) -> list[Bar]:
    """(code, label, value) rows as bars scaled to the largest value."""
    top = max((value for _code, _label, value in rows), default=0)
    total = sum(value for _code, _label, value in rows)
    return [
        Bar(
            label=label,
            value=value,
            percent=round(100 * value / top, 1) if top else 0.0,
            share=round(100 * value / total, 1) if total else 0.0,
            code=code,
        )
        for code, label, value in rows
    ]


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int
    label_x: float
    value_y: float
    show_label: bool


@dataclass(frozen=True)
class MonthChart:
    width: int
    height: int
    baseline: float
    columns: list[Column]
    grid: list[dict]


def month_chart(rows: list[tuple[str, int]]) -> MonthChart | None:
    """(month label, count) rows as columns; every label shown up to 13 months, then one in three."""
    if not rows:
        return None
    top = max(value for _label, value in rows) or 1
    span = MONTHS_WIDTH - _LEFT - _RIGHT
    step = span / len(rows)
    width = max(2.0, step * 0.7)
    plot = MONTHS_HEIGHT - _TOP - _BOTTOM
    baseline = _TOP + plot
    columns = []
    for index, (label, value) in enumerate(rows):
        height = plot * value / top
        x = _LEFT + step * index + (step - width) / 2
        columns.append(
            Column(
                x=round(x, 1),
                y=round(baseline - height, 1),
                width=round(width, 1),
                height=round(height, 1),
                label=label,
                value=value,
                label_x=round(x + width / 2, 1),
                value_y=round(baseline - height - 4, 1),
                show_label=len(rows) <= 13 or index % 3 == 0,
            )
        )
    grid = [{"y": round(_TOP + plot * (1 - f), 1), "label": round(top * f)} for f in (0, 0.5, 1)]
    return MonthChart(MONTHS_WIDTH, MONTHS_HEIGHT, round(baseline, 1), columns, grid)
