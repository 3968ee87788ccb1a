"""What an opportunity changed once done: the measures of the places of the pain points it
addresses, over the weeks before the day it was done and the weeks from that day on, each with
its 95 % interval, and the change.

It reads the journey's weekly series (a snapshot's ``series``, the JSON form of
:class:`~parcours.insight.trend.Timeline`): a rate (conversion, abandonment...) is pooled over the
weeks (the share of all the customers of the side, Wilson interval); another measure (NPS, a
duration) is the mean of the weekly values, with a normal interval over the weeks.

::

    impact = measured_impact(journey, "fix-checkout", date(2026, 5, 1), snapshot.series["series"])
    impact.to_dict()["kpis"][0]   # {"where": ..., "measure": ..., "before": {...}, "after": {...}}
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from parcours.engine.kpis import EMPTY, Z95, KpiValue, share_of
from parcours.insight.measure import RATE_KINDS
from parcours.model import Journey
from parcours.model.vocabulary import KpiKind

#: Built-in measures that count customers rather than judge the journey: left out.
_COUNTS = frozenset({"customers"})


@dataclass(frozen=True)
class KpiImpact:
    """One measure at one place (``where``: ``stages.<id>`` or its touchpoint), before and
    after the day, and the change (after minus before) with its 95 % interval (None when a
    side has no data)."""

    where: str
    measure: str
    kind: str
    before: KpiValue
    after: KpiValue
    change: float | None
    change_low: float | None
    change_high: float | None

    @property
    def significant(self) -> bool:
        """The interval of the change leaves out zero."""
        if self.change_low is None or self.change_high is None:
            return False
        return self.change_low > 0 or self.change_high < 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "where": self.where,
            "measure": self.measure,
            "kind": self.kind,
            "before": self.before.to_dict(),
            "after": self.after.to_dict(),
            "change": self.change,
            "change_low": self.change_low,
            "change_high": self.change_high,
            "significant": self.significant,
        }


@dataclass(frozen=True)
class OpportunityImpact:
    """The measured impact of opportunity ``opportunity``, done on ``done_on``."""

    opportunity: str
    done_on: date
    pain_points: tuple[str, ...]
    kpis: tuple[KpiImpact, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "opportunity": self.opportunity,
            "done_on": self.done_on.isoformat(),
            "pain_points": list(self.pain_points),
            "kpis": [k.to_dict() for k in self.kpis],
        }


def _is_rate(kind: str) -> bool:
    try:
        return KpiKind(kind) in RATE_KINDS
    except ValueError:
        return kind in ("conversion", "drop_off")


def _side(points: Sequence[Mapping[str, Any]], rate: bool) -> KpiValue:
    """The measure over some weeks (their JSON points)."""
    kept = [p for p in points if p.get("value") is not None and p.get("n")]
    if not kept:
        return EMPTY
    n = sum(int(p["n"]) for p in kept)
    if rate:
        return share_of(round(sum(float(p["value"]) * int(p["n"]) for p in kept)), n)
    values = [float(p["value"]) for p in kept]
    centre = sum(values) / len(values)
    if len(values) < 2:
        return KpiValue(centre, n, None, None)
    sd = math.sqrt(sum((v - centre) ** 2 for v in values) / (len(values) - 1))
    half = Z95 * sd / math.sqrt(len(values))
    return KpiValue(centre, n, centre - half, centre + half)


def _change(before: KpiValue, after: KpiValue) -> tuple[float | None, float | None, float | None]:
    if before.value is None or after.value is None:
        return None, None, None
    change = after.value - before.value
    if None in (before.low, before.high, after.low, after.high):
        return change, None, None
    # the half-widths of the two intervals combined as independent normal errors
    half = math.hypot(
        (before.high - before.low) / 2,  # type: ignore[operator]
        (after.high - after.low) / 2,  # type: ignore[operator]
    )
    return change, change - half, change + half


def places_of(journey: Journey, opportunity: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the pain points ``opportunity`` addresses, the places of the map they are at)."""
    found = next((o for o in journey.opportunities if o.id == opportunity), None)
    addressed = tuple(found.addresses) if found else ()
    places: list[str] = []
    for stage in journey.stages:
        for point in stage.pain_points:
            if point.id in addressed:
                where = f"stages.{stage.id}"
                if point.touchpoint:
                    where += f".touchpoints.{point.touchpoint}"
                if where not in places:
                    places.append(where)
    return addressed, tuple(places)


def measured_impact(
    journey: Journey, opportunity: str, done_on: date, series: Sequence[Mapping[str, Any]]
) -> OpportunityImpact:
    """The measures at the places of the pain points that ``opportunity`` addresses, over the
    weeks before ``done_on`` and the weeks from it on (a week counts on the side of its first
    day). A place with no series of its own (a touchpoint) is judged on its stage's."""
    addressed, places = places_of(journey, opportunity)
    by_place: dict[str, list[Mapping[str, Any]]] = {}
    for s in series:
        if s["measure"] not in _COUNTS:
            by_place.setdefault(str(s["where"]), []).append(s)
    kpis: list[KpiImpact] = []
    for where in places:
        chosen = by_place.get(where) or by_place.get(".".join(where.split(".")[:2]), [])
        for s in chosen:
            rate = _is_rate(str(s["kind"]))
            points = s.get("points", [])
            before = _side([p for p in points if date.fromisoformat(p["start"]) < done_on], rate)
            after = _side([p for p in points if date.fromisoformat(p["start"]) >= done_on], rate)
            change, low, high = _change(before, after)
            kpis.append(
                KpiImpact(
                    str(s["where"]),
                    str(s["measure"]),
                    str(s["kind"]),
                    before,
                    after,
                    change,
                    low,
                    high,
                )
            )
    return OpportunityImpact(opportunity, done_on, addressed, tuple(kpis))
