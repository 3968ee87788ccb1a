"""The map measured cohort by cohort: each KPI per week or month of first events."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import duckdb
import pandas as pd

from parcours.data.workspace import Workspace
from parcours.engine.spark.eventlog import SparkEventLog
from parcours.engine.workspace_log import spark_event_log
from parcours.insight.cohort import Cohort
from parcours.insight.measure import MeasuredJourney, measure
from parcours.model import Journey, load_journey


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


def measure_trend(
    connection: duckdb.DuckDBPyConnection,
    journey: Journey,
    *,
    every: Literal["week", "month"] = "month",
    segment: Mapping[str, str] | None = None,
    window: str | None = None,
    events: SparkEventLog | None = None,
) -> Trend:
    """Measure ``journey`` for each weekly or monthly cohort of customers (by first event);
    ``events``: the events on Spark, as in :func:`measure`."""
    members = Cohort(segment=segment or {}).customers(connection)
    bounds = connection.execute(
        f"SELECT DISTINCT date_trunc('{every}', first) AS start, "
        f"date_trunc('{every}', first) + INTERVAL 1 {every.upper()} AS stop FROM "
        f"(SELECT min(timestamp) AS first FROM events WHERE customer_id IN ({members}) "
        "GROUP BY customer_id) ORDER BY 1"
    ).fetchall()
    label = "%G-W%V" if every == "week" else "%Y-%m"
    results = tuple(
        measure(
            connection,
            journey,
            window=window,
            cohort=Cohort(start, stop, segment or {}),
            events=events,
        )
        for start, stop in bounds
    )
    return Trend(every, tuple(start.strftime(label) for start, _ in bounds), results)


def trend_workspace(
    workspace: Workspace,
    journeys: Iterable[str] | None = None,
    *,
    every: Literal["week", "month"] = "month",
    segment: Mapping[str, str] | None = None,
) -> dict[str, Trend]:
    """:func:`measure_trend` for the journeys of ``workspace``, the events on its engine."""
    events = spark_event_log(workspace)
    with workspace.connect(read_only=True) as connection:
        return {
            name: measure_trend(
                connection, load_journey(path), every=every, segment=segment, events=events
            )
            for name, path in workspace.journeys(journeys).items()
        }
