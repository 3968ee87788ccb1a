"""The map measured over time, two ways.

* :func:`measure_series` — **calendar time**: every KPI of the map (and each stage's customers
  and conversion, each touchpoint's customers) per calendar day, week or month: what happened
  in the week of March 2nd, whoever the customers were. An event, answer or order counts in the
  period of its own time; a KPI that follows customers (conversion, abandonment, retention...)
  counts each customer in the period of their first event at the place. This is where an
  incident on known dates shows.
* :func:`measure_trend` — **cohorts by first event**: the whole map measured for the customers
  who started in each week or month, followed over their whole journey (how do March's new
  customers convert, compared with February's?).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import Any

import pandas as pd

from parcours.data.workspace import Workspace
from parcours.engine.backend import Backend
from parcours.engine.binding import Coverage, bound
from parcours.engine.filter import Filter
from parcours.engine.journey_kpis import Every, JourneyKpis, Period
from parcours.engine.kpis import KpiValue, share_of
from parcours.engine.series import Series, calendar, first_event_periods, next_start, series_of
from parcours.insight.measure import MeasuredJourney, each_journey, kpi_values, measure
from parcours.model import Journey


@dataclass(frozen=True)
class Trend:
    """The map measured cohort by cohort: customers who started in each week or month."""

    every: str
    periods: tuple[str, ...]
    results: tuple[MeasuredJourney, ...]

    def to_frame(self) -> pd.DataFrame:
        """One row per period and KPI: value in the KPI's unit, target, met, observations."""
        return pd.DataFrame(self.to_dict()["kpis"])

    def to_dict(self) -> dict[str, Any]:
        kpis = [
            {"period": period, **kpi.to_dict()}
            for period, result in zip(self.periods, self.results, strict=True)
            for kpi in result.kpis
        ]
        return {"every": self.every, "periods": list(self.periods), "kpis": kpis}


@dataclass(frozen=True)
class Timeline:
    """A journey's measures per calendar period: one :class:`Series` per measure and place."""

    journey: str
    every: Every
    series: tuple[Series, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "journey": self.journey,
            "every": self.every,
            "series": [s.to_dict() for s in self.series],
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per series and period (``series``: the place and the measure)."""
        rows = [
            {
                "series": f"{s.where} {s.measure}",
                "where": s.where,
                "measure": s.measure,
                "kind": s.kind,
                **row,
            }
            for s in self.series
            for row in s.to_frame().to_dict("records")
        ]
        return pd.DataFrame(rows)


def measure_series(
    log: Backend, journey: Journey, *, every: Every = "week", where: Filter | None = None
) -> Timeline:
    """Every KPI of ``journey`` per calendar period of ``log`` (see the module's docstring)."""
    with period_kpis(log, journey, every, where) as (kpis, starts):
        return Timeline(journey.id, every, laid_out(kpis, journey, every, starts))


@contextmanager
def period_kpis(
    log: Backend, journey: Journey, every: Every, where: Filter | None = None
) -> Iterator[tuple[JourneyKpis, list[date]]]:
    """The per-period queries of ``journey`` on ``log`` seen through ``where`` (bound to the
    map), and the calendar's period starts, for the time of the ``with`` block."""
    with covered_period_kpis(log, journey, every, where) as (kpis, starts, _):
        yield kpis, starts


@contextmanager
def covered_period_kpis(
    log: Backend, journey: Journey, every: Every, where: Filter | None = None
) -> Iterator[tuple[JourneyKpis, list[date], Coverage]]:
    """:func:`period_kpis` and the bindings' coverage (what the map leaves out)."""
    with (where or Filter()).seen(log) as scoped, bound(scoped, journey) as (tied, coverage):
        starts = calendar(tied, every)
        with JourneyKpis(tied, journey, every) as kpis:
            yield kpis, starts, coverage


def laid_out(
    kpis: JourneyKpis, journey: Journey, every: Every, starts: list[date]
) -> tuple[Series, ...]:
    """One series per place and measure, over ``starts``."""
    out: list[Series] = []
    for index, stage in enumerate(journey.stages):
        place = f"stages.{stage.id}"
        counts = kpis.customers("stage", stage.id)
        out.append(series_of(place, "customers", "count", every, _counts(counts, starts), starts))
        if index + 1 < len(journey.stages):
            reached = kpis.reached_next(stage.id)
            shares = {p: share_of(kept, n) for p, (n, kept) in reached.items()}
            out.append(series_of(place, "conversion", "conversion", every, shares, starts))
        for kpi in stage.kpis:
            values, _ = kpi_values(kpis, kpi, stage.id, None)
            out.append(series_of(place, kpi.id, kpi.kind.value, every, values, starts))
        for touchpoint in stage.touchpoints:
            where = f"{place}.touchpoints.{touchpoint.id}"
            counts = kpis.customers("touchpoint", touchpoint.id)
            out.append(
                series_of(where, "customers", "count", every, _counts(counts, starts), starts)
            )
            for kpi in touchpoint.kpis:
                values, _ = kpi_values(kpis, kpi, stage.id, touchpoint.id)
                out.append(series_of(where, kpi.id, kpi.kind.value, every, values, starts))
    return tuple(out)


def _counts(counts: dict[Period, int], starts: list[date]) -> dict[Period, KpiValue]:
    """Counts as values, zero in the periods without any."""
    return {p: KpiValue(float(counts.get(p, 0)), counts.get(p, 0)) for p in starts}


def measure_trend(
    log: Backend,
    journey: Journey,
    *,
    every: Every = "month",
    where: Filter | None = None,
    window: str | None = None,
) -> Trend:
    """Measure ``journey`` for each weekly or monthly cohort of customers (by first event), among
    those the filter ``where`` keeps."""
    chosen = where or Filter()
    with chosen.seen(log) as scoped:
        starts = first_event_periods(scoped, every)
    label = "%G-W%V" if every == "week" else "%Y-%m"
    results = tuple(
        measure(
            log,
            journey,
            window=window,
            where=replace(
                chosen,
                first_since=datetime.combine(start, time()),
                first_until=datetime.combine(next_start(start, every), time()),
            ),
        )
        for start in starts
    )
    return Trend(every, tuple(start.strftime(label) for start in starts), results)


def trend_workspace(
    workspace: Workspace,
    journeys: Iterable[str] | None = None,
    *,
    every: Every = "month",
    where: Filter | None = None,
) -> dict[str, Trend]:
    """:func:`measure_trend` for the journeys of ``workspace``, on its engine."""
    return each_journey(
        workspace,
        journeys,
        lambda log, journey: measure_trend(log, journey, every=every, where=where),
    )


def series_workspace(
    workspace: Workspace,
    journeys: Iterable[str] | None = None,
    *,
    every: Every = "week",
    where: Filter | None = None,
) -> dict[str, Timeline]:
    """:func:`measure_series` for the journeys of ``workspace``, on its engine."""
    return each_journey(
        workspace,
        journeys,
        lambda log, journey: measure_series(log, journey, every=every, where=where),
    )
