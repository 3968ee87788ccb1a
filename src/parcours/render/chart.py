"""A KPI's series over time as an inline SVG chart: its line, its 95 % interval as a band, and
labelled axes (first and last period, lowest and highest value).

The chart is drawn from a series' JSON form (``Series.to_dict()``): points with ``start``,
``value``, ``low`` and ``high``; periods without a value leave a gap in the line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

WIDTH, HEIGHT, PAD = 560, 160, 36


@dataclass(frozen=True)
class Chart:
    """What the SVG template draws: ``line`` and ``band`` are SVG path data."""

    width: int
    height: int
    line: str
    band: str
    dots: tuple[tuple[float, float, str], ...]  # x, y, the point's label
    x_labels: tuple[tuple[float, str], ...]
    y_labels: tuple[tuple[float, str], ...]
    points: int


def series_chart(points: Sequence[Mapping[str, Any]], *, scale: float = 1.0) -> Chart:
    """The chart of ``points`` (values multiplied by ``scale``, e.g. 100 for rates in %)."""
    known = [(i, p) for i, p in enumerate(points) if p.get("value") is not None]
    values = [
        scale * v
        for _, p in known
        for v in (p["value"], p.get("low"), p.get("high"))
        if v is not None
    ]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    span = max(len(points) - 1, 1)

    def x(i: int) -> float:
        return round(PAD + (WIDTH - 2 * PAD) * i / span, 1)

    def y(v: float) -> float:
        return round(HEIGHT - PAD / 2 - (HEIGHT - PAD) * (scale * v - low) / (high - low), 1)

    line, previous = [], None
    for i, p in known:
        line.append(f"{'L' if previous == i - 1 else 'M'}{x(i)},{y(p['value'])}")
        previous = i
    banded = [(i, p) for i, p in known if p.get("low") is not None and p.get("high") is not None]
    band = ""
    if banded:
        top = [f"{x(i)},{y(p['high'])}" for i, p in banded]
        bottom = [f"{x(i)},{y(p['low'])}" for i, p in reversed(banded)]
        band = "M" + " L".join(top + bottom) + " Z"
    dots = tuple(
        (x(i), y(p["value"]), f"{p['start']}: {_number(scale * p['value'])}") for i, p in known
    )
    x_labels = tuple(
        (x(i), str(points[i]["start"])) for i in sorted({0, len(points) - 1}) if points
    )
    y_labels = ((y(low / scale), _number(low)), (y(high / scale), _number(high)))
    return Chart(WIDTH, HEIGHT, " ".join(line), band, dots, x_labels, y_labels, len(known))


def _number(value: float) -> str:
    return f"{value:.0f}" if abs(value) >= 100 else f"{value:.3g}"
