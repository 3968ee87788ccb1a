"""Measures per calendar period: the typed :class:`Series` result, and the calendar itself.

A series holds one point per period (day, ISO week from Monday, or calendar month of the UTC
times) from the first period of the data to the last, with no gap: a period without observations
is a point with ``n = 0`` and no value. Each point is a :class:`~parcours.engine.kpis.KpiValue`
(value on its natural scale, observations, 95 % interval).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd

from parcours.engine import kpis as stats
from parcours.engine.backend import Backend
from parcours.engine.journey_kpis import Every


@dataclass(frozen=True)
class SeriesPoint:
    """The measure over the period starting on ``start``."""

    start: date
    value: stats.KpiValue


@dataclass(frozen=True)
class Series:
    """One measure at one place of the map, per calendar period: ``where`` the place
    (``stages.<id>`` or ``stages.<id>.touchpoints.<id>``), ``measure`` a KPI id or a built-in
    measure (``customers``, ``conversion``), ``kind`` its KPI kind."""

    where: str
    measure: str
    kind: str
    every: Every
    points: tuple[SeriesPoint, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "where": self.where,
            "measure": self.measure,
            "kind": self.kind,
            "every": self.every,
            "points": [{"start": p.start.isoformat(), **p.value.to_dict()} for p in self.points],
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per period: start, value, n, low, high."""
        return pd.DataFrame(
            [{"start": p.start, **p.value.to_dict()} for p in self.points],
            columns=["start", "value", "n", "low", "high", "p90"],
        )


def period_starts(first: date, last: date, every: str) -> list[date]:
    """The first day of every period from ``first``'s to ``last``'s (both period starts), with
    no gap."""
    out = [first]
    while out[-1] < last:
        out.append(next_start(out[-1], every))
    return out


def next_start(start: date, every: str) -> date:
    """The first day of the period after the one starting on ``start``."""
    if every == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start + timedelta(days=7 if every == "week" else 1)


def calendar(log: Backend, every: Every) -> list[date]:
    """Every period start from the first time of the log's events, feedback and orders to the
    last."""
    timed = ["events"] + [
        role
        for role in ("feedback", "orders")
        if log.has_table(role) and "timestamp" in log.table_columns(role)
    ]
    bounds = [
        bound
        for role in timed
        for bound in log.rows(
            f"SELECT CAST(min(date_trunc('{every}', timestamp)) AS DATE), "
            f"CAST(max(date_trunc('{every}', timestamp)) AS DATE) FROM {{{role}}}"
        )[0]
        if bound is not None
    ]
    return period_starts(min(bounds), max(bounds), every) if bounds else []


def first_event_periods(log: Backend, every: Every) -> list[date]:
    """The starts of the periods in which some customer had their first event (cohorts)."""
    found = log.rows(
        f"SELECT DISTINCT CAST(date_trunc('{every}', first) AS DATE) FROM (SELECT "
        "min(timestamp) AS first FROM {events} GROUP BY customer_id) q ORDER BY 1"
    )
    return [row[0] for row in found]


def series_of(
    where: str,
    measure: str,
    kind: str,
    every: Every,
    values: dict[Any, stats.KpiValue],
    starts: list[date],
) -> Series:
    """A series over ``starts`` of the values by period (``EMPTY`` where there are none)."""
    points = tuple(SeriesPoint(s, values.get(s, stats.EMPTY)) for s in starts)
    return Series(where, measure, kind, every, points)
