"""The emotion curve: one point per stage on the −2..+2 scale, designed and measured series, and
the geometry both the grid lane and the standalone SVG draw from."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from itertools import pairwise
from statistics import fmean

from parcours.model.journey import Journey, Stage
from parcours.model.measures import Measures

LOW, HIGH = -2.0, 2.0


@dataclass(frozen=True)
class CurvePoint:
    """One stage's emotion; ``x`` (0..1, the centre of the stage's column) and ``y`` (0..1 from
    the top, +2 at 0) place it on any canvas."""

    stage_id: str
    index: int
    value: float
    x: float
    y: float
    derived: bool = False  # the mean of the stage's touchpoints, no stage emotion given


@dataclass(frozen=True)
class Curve:
    stages: int
    designed: tuple[CurvePoint, ...]
    measured: tuple[CurvePoint, ...]

    @property
    def empty(self) -> bool:
        return not self.designed and not self.measured


def stage_emotion(stage: Stage) -> tuple[float, bool] | None:
    """The stage's designed emotion, else the mean of its touchpoints' (flagged derived)."""
    if stage.emotion is not None:
        return stage.emotion, False
    values = [t.emotion for t in stage.touchpoints if t.emotion is not None]
    return (fmean(values), True) if values else None


def emotion_curve(journey: Journey, measures: Measures) -> Curve:
    count = len(journey.stages)
    designed: list[CurvePoint] = []
    measured: list[CurvePoint] = []
    for index, stage in enumerate(journey.stages):
        found = stage_emotion(stage)
        if found is not None:
            designed.append(_point(stage.id, index, count, *found))
        value = measures.stage(stage.id).emotion
        if value is not None:
            measured.append(_point(stage.id, index, count, value, False))
    return Curve(count, tuple(designed), tuple(measured))


def _point(stage_id: str, index: int, count: int, value: float, derived: bool) -> CurvePoint:
    value = min(HIGH, max(LOW, value))
    return CurvePoint(stage_id, index, value, (index + 0.5) / count, (HIGH - value) / 4, derived)


def smooth_path(points: list[tuple[float, float]]) -> str:
    """An SVG path through ``points`` (x increasing): monotone cubic segments (Fritsch–Butland
    tangents), so the curve never overshoots the values it joins."""
    if not points:
        return ""
    if len(points) == 1:
        x, y = points[0]
        return f"M{x:.2f},{y:.2f}"
    slopes = [(y1 - y0) / (x1 - x0) for (x0, y0), (x1, y1) in pairwise(points)]
    tangents = [slopes[0]]
    for i in range(1, len(points) - 1):
        d0, d1 = slopes[i - 1], slopes[i]
        h0 = points[i][0] - points[i - 1][0]
        h1 = points[i + 1][0] - points[i][0]
        flat = d0 * d1 <= 0
        tangents.append(0.0 if flat else 3 * (h0 + h1) / ((2 * h1 + h0) / d0 + (h1 + 2 * h0) / d1))
    tangents.append(slopes[-1])
    x0, y0 = points[0]
    parts = [f"M{x0:.2f},{y0:.2f}"]
    for i in range(len(points) - 1):
        (xa, ya), (xb, yb) = points[i], points[i + 1]
        h = (xb - xa) / 3
        parts.append(
            f"C{xa + h:.2f},{ya + tangents[i] * h:.2f} {xb - h:.2f},{yb - tangents[i + 1] * h:.2f}"
            f" {xb:.2f},{yb:.2f}"
        )
    return " ".join(parts)


def wrap(label: str, width: int = 22, lines: int = 3) -> list[str]:
    """A stage label cut into at most ``lines`` lines for an SVG axis."""
    cut = textwrap.wrap(label, width) or [""]
    if len(cut) > lines:
        rest = textwrap.shorten(" ".join(cut[lines - 1 :]), width, placeholder="…")
        cut = [*cut[: lines - 1], rest]
    return cut
