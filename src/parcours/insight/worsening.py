"""KPI trends that worsen, per stage of the map: what raises an opportunity's urgency.

A measure at a stage (its conversion to the next stage, each KPI of the stage and of its
touchpoints) **worsens** when, over the calendar series (:class:`~parcours.engine.series.Series`,
weekly in a snapshot), the last :data:`WINDOW` periods with observations are worse than the
:data:`WINDOW` before them, in the KPI's own direction (conversion: higher is better):

- by at least :data:`RELATIVE` of the earlier level (the means weigh each period by its
  observations), and
- beyond the periods' own noise: Welch's t-test on the two windows' values, p below
  :data:`ALPHA` (a steady series never worsens, a single bad period does not make a trend).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from parcours.engine.series import Series
from parcours.insight.wording import place_text, share_text
from parcours.model import Journey
from parcours.model.text import localize
from parcours.model.vocabulary import RATE_KINDS, Direction

#: Periods in each window compared (the last ones against those just before).
WINDOW = 4
#: The least worsening, relative to the earlier window's level.
RELATIVE = 0.05
#: Welch's t-test level under which the change is more than noise.
ALPHA = 0.05
_SHARES = frozenset({"conversion", *(k.value for k in RATE_KINDS)})


@dataclass(frozen=True)
class Worsening:
    """A measure of ``stage`` (at the stage, or at one of its touchpoints) worse over the last
    ``periods`` periods (``before`` → ``after``, natural scale) with Welch's ``p_value``."""

    stage: str
    touchpoint: str | None
    measure: str
    kind: str
    before: float
    after: float
    periods: int
    p_value: float

    @property
    def relative(self) -> float:
        """How much worse, relative to the earlier level (0.1: 10 % worse)."""
        return abs(self.after - self.before) / max(abs(self.before), 1e-12)

    def text(self, journey: Journey, lang: str) -> str:
        """The measure, its place and its two levels: “conversion at stage “X” 42.0% → 35.1%”."""
        where = place_text(journey, self.stage, self.touchpoint, lang)
        before, after = self._level(self.before, lang), self._level(self.after, lang)
        return f"{self._name(journey, lang)} {where} {before} → {after}"

    def _name(self, journey: Journey, lang: str) -> str:
        """The KPI's name when the map gives one, else the measure's id."""
        for stage in journey.stages:
            if stage.id != self.stage:
                continue
            places = [t for t in stage.touchpoints if t.id == self.touchpoint]
            kpis = places[0].kpis if places else stage.kpis
            kpi = next((k for k in kpis if k.id == self.measure), None)
            if kpi is not None and kpi.name is not None:
                return localize(kpi.name, lang)
        return self.measure

    def _level(self, value: float, lang: str) -> str:
        if self.kind in _SHARES:
            return share_text(value, lang)
        return f"{value:.3g}".replace(".", "," if lang == "fr" else ".")

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "touchpoint": self.touchpoint,
            "measure": self.measure,
            "kind": self.kind,
            "before": self.before,
            "after": self.after,
            "periods": self.periods,
            "p_value": self.p_value,
        }


def worsening(journey: Journey, series: Iterable[Series]) -> dict[str, list[Worsening]]:
    """The measures of each stage of ``journey`` whose trend worsens (see the module), by stage
    id, the most worsened (relatively) first."""
    directions = _directions(journey)
    out: dict[str, list[Worsening]] = {}
    for one in series:
        better = directions.get((one.where, one.measure))
        if better is None:
            continue
        found = _judged(one, better)
        if found is not None:
            out.setdefault(found.stage, []).append(found)
    for stage in out.values():
        stage.sort(key=lambda w: -w.relative)
    return out


def _directions(journey: Journey) -> Mapping[tuple[str, str], Direction]:
    """The direction in which each judged measure is better, by (place, measure)."""
    out: dict[tuple[str, str], Direction] = {}
    for index, stage in enumerate(journey.stages):
        place = f"stages.{stage.id}"
        if index + 1 < len(journey.stages):
            out[(place, "conversion")] = Direction.HIGHER
        out.update({(place, k.id): k.better for k in stage.kpis})
        for touchpoint in stage.touchpoints:
            at = f"{place}.touchpoints.{touchpoint.id}"
            out.update({(at, k.id): k.better for k in touchpoint.kpis})
    return out


def _judged(one: Series, better: Direction) -> Worsening | None:
    observed = [p.value for p in one.points if p.value.n > 0 and p.value.value is not None]
    if len(observed) < 2 * WINDOW:
        return None
    earlier, recent = observed[-2 * WINDOW : -WINDOW], observed[-WINDOW:]
    before = _mean(earlier)
    after = _mean(recent)
    worse = after - before if better is Direction.LOWER else before - after
    if worse <= RELATIVE * abs(before):
        return None
    first, last = (np.array([v.value for v in w], dtype=float) for w in (earlier, recent))
    p_value = welch(first, last)
    if not p_value < ALPHA:
        return None
    parts = one.where.split(".")
    touchpoint = parts[3] if len(parts) > 3 else None
    return Worsening(parts[1], touchpoint, one.measure, one.kind, before, after, WINDOW, p_value)


def welch(first: np.ndarray, second: np.ndarray) -> float:
    """The two-sided p-value of Welch's t-test that ``first`` and ``second`` share a mean (0
    when neither varies and their means differ: no noise can explain it)."""
    one, two = first.var(ddof=1) / first.size, second.var(ddof=1) / second.size
    spread = one + two
    gap = abs(first.mean() - second.mean())
    if spread <= 1e-24 * max(1.0, gap**2):
        return 0.0 if gap > 0 else 1.0
    freedom = spread**2 / (one**2 / (first.size - 1) + two**2 / (second.size - 1))
    return float(2 * stats.t.sf(gap / np.sqrt(spread), freedom))


def _mean(window: list[Any]) -> float:
    weights = np.array([v.n for v in window], dtype=float)
    return float(np.average([v.value for v in window], weights=weights))
