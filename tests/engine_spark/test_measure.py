"""A map measured on Spark equals the map measured on DuckDB: the workspace's ``engine`` setting
is all it takes (stage funnel, per-stage and per-touchpoint figures, KPIs, attribution shares)."""

from __future__ import annotations

import datetime as dt
import shutil
from typing import Any

import pytest

from parcours.data.workspace import Workspace, create_workspace
from parcours.demo import DEMO_CONFIG, SIMULATED, SOURCES
from parcours.engine.filter import Filter, parse_where
from parcours.insight import measure_workspace, series_workspace, trend_workspace
from parcours.model import load_journey
from parcours.samples import sample_events, sample_path
from parcours.simulate import simulate

from .conftest import SPARK, same

pytestmark = SPARK


@pytest.fixture(scope="module")
def workspaces(spark: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, Workspace]:
    """The demo's simulated subscription data (1,500 customers), ingested once; opened on Spark
    (its setting) and on DuckDB."""
    root = tmp_path_factory.mktemp("measured")
    workspace = create_workspace(root, sources=SOURCES, engine="spark")
    journey_file = root / "journeys" / f"{SIMULATED}.yaml"
    shutil.copyfile(sample_path(SIMULATED), journey_file)
    config = DEMO_CONFIG.model_copy(update={"customers": 1500})
    simulate(load_journey(journey_file), root / "data", config, catalogue=sample_events(SIMULATED))
    workspace.ingest()
    return workspace, Workspace.open(root, engine="duckdb")


def test_measured_map_is_the_same_on_both_engines(workspaces):
    on_spark, on_duckdb = workspaces
    got = measure_workspace(on_spark)[SIMULATED]
    want = measure_workspace(on_duckdb)[SIMULATED]
    same(got.to_dict(), want.to_dict())
    same(got.stage_funnel.to_dict(), want.stage_funnel.to_dict())
    measured = {k.kpi.kind.value for k in want.kpis if k.shown is not None}
    assert {"nps", "abandonment", "conversion", "waiting_time"} <= measured
    assert sum(t.attribution_share or 0 for t in want.measures.touchpoints.values()) > 0.99
    assert all(s.customers for s in want.measures.stages.values())


def test_a_persona_cohort_is_the_same_on_both_engines(workspaces):
    on_spark, on_duckdb = workspaces
    persona = Filter(segment={"persona": "julien-etudiant"})
    got = measure_workspace(on_spark, where=persona)[SIMULATED]
    want = measure_workspace(on_duckdb, where=persona)[SIMULATED]
    everyone = measure_workspace(on_duckdb)[SIMULATED]
    same(got.to_dict(), want.to_dict())
    assert 0 < want.stage_funnel.steps[0].customers < everyone.stage_funnel.steps[0].customers


def test_monthly_trend_is_the_same_on_both_engines(workspaces):
    on_spark, on_duckdb = workspaces
    got = trend_workspace(on_spark, every="month")[SIMULATED]
    want = trend_workspace(on_duckdb, every="month")[SIMULATED]
    same(got.to_dict(), want.to_dict())
    assert len(want.periods) >= 2


def test_weekly_calendar_series_are_the_same_on_both_engines(workspaces):
    on_spark, on_duckdb = workspaces
    got = series_workspace(on_spark, every="week")[SIMULATED]
    want = series_workspace(on_duckdb, every="week")[SIMULATED]
    same(got.to_dict(), want.to_dict())
    weeks = {len(s.points) for s in want.series}
    assert len(weeks) == 1 and weeks.pop() >= 4  # every series over the same calendar


def test_a_time_range_and_event_conditions_are_the_same_on_both_engines(workspaces):
    on_spark, on_duckdb = workspaces
    start = measure_workspace(on_duckdb)[SIMULATED].measures.period
    assert start is not None
    first = start.split(" ")[0]
    where = Filter(
        since=_day(first, 14),
        until=_day(first, 60),
        where=parse_where(["channel=web"]),
    )
    got = measure_workspace(on_spark, where=where)[SIMULATED]
    want = measure_workspace(on_duckdb, where=where)[SIMULATED]
    same(got.to_dict(), want.to_dict())
    everyone = measure_workspace(on_duckdb)[SIMULATED]
    assert want.coverage.events < everyone.coverage.events


def _day(first: str, days: int) -> dt.datetime:
    return dt.datetime.fromisoformat(first) + dt.timedelta(days=days)
