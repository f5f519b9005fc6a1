"""Server-drawn chart of completion over time: plain SVG attributes, no script, no style (CSP)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import date_format

from .selectors import Point

WIDTH = 640
HEIGHT = 220
LEFT = 44
RIGHT = 12
TOP = 12
BOTTOM = 30


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    line: str
    area: str
    grid: list[dict]
    labels: list[dict]
    dots: list[dict]
    last_rate: float


def _x(index: int, count: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span * index / (count - 1) if count > 1 else span / 2)


def _y(rate: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - rate / 100)


def build_chart(points: list[Point]) -> Chart | None:
    if not points:
        return None
    count = len(points)
    coords = [(round(_x(i, count), 1), round(_y(p.rate), 1)) for i, p in enumerate(points)]
    line = " ".join(f"{x},{y}" for x, y in coords)
    base = round(_y(0), 1)
    area = f"{coords[0][0]},{base} {line} {coords[-1][0]},{base}"
    grid = [{"y": round(_y(rate), 1), "label": f"{rate} %"} for rate in (0, 25, 50, 75, 100)]
    picks = sorted({0, count // 2, count - 1})
    labels = [
        {"x": coords[i][0], "text": date_format(points[i].day, "j M"), "anchor": _anchor(i, count)}
        for i in picks
    ]
    # Dots only when they stay readable.
    dots = [{"x": x, "y": y} for x, y in coords] if count <= 45 else []
    return Chart(WIDTH, HEIGHT, line, area, grid, labels, dots, points[-1].rate)


def _anchor(index: int, count: int) -> str:
    if count == 1:
        return "middle"
    if index == 0:
        return "start"
    return "end" if index == count - 1 else "middle"
