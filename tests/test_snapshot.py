"""Snapshots: a journey's measures kept in the workspace and read back unchanged."""

from __future__ import annotations

import pytest

from parcours.data.workspace import Workspace
from parcours.demo import SIMULATED, build_demo
from parcours.errors import EngineError
from parcours.model.measures import Measured, Measures
from parcours.snapshot import ALL, load_snapshot, period_filter, take_snapshots


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return Workspace.open(build_demo(tmp_path_factory.mktemp("snap") / "d", customers=300).root)


def test_the_demo_keeps_the_simulated_journeys_snapshot(demo: Workspace) -> None:
    kept = load_snapshot(demo, SIMULATED, ALL)
    assert kept is not None and kept.journey == SIMULATED
    assert kept.kpis and kept.series["series"] and kept.months
    assert kept.measures.stages, "the measured map of the simulated journey"
    assert load_snapshot(demo, "omnichannel_retail", ALL) is None


def test_a_month_is_measured_on_its_own_events(demo: Workspace) -> None:
    whole = load_snapshot(demo, SIMULATED, ALL)
    assert whole is not None
    month = whole.months[0]
    taken = take_snapshots(demo, [SIMULATED], period=month, voice=None)[SIMULATED]
    assert taken.period == month and taken.measures.period
    first = next(iter(whole.measures.stages))
    assert (taken.measures.stages[first].customers or 0) < (
        whole.measures.stages[first].customers or 0
    )
    assert load_snapshot(demo, SIMULATED, month) == taken


@pytest.mark.parametrize("period", ["2026-13", "2026-1", "everything", "../../etc"])
def test_a_period_is_all_or_a_month(period: str, demo: Workspace) -> None:
    with pytest.raises(EngineError, match="YYYY-MM"):
        period_filter(period)
    with pytest.raises(EngineError):
        load_snapshot(demo, SIMULATED, period)


def test_measures_round_trip_through_json() -> None:
    measures = Measures(
        stages={
            "a": Measured(
                customers=3,
                emotion_interval=(-1.0, 0.5),
                themes=(("prix", 4),),
                verbatims=("trop cher",),
                kpis={"k": 0.5},
            )
        },
        touchpoints={"t": Measured(volume=9)},
        period="2026-01-01 → 2026-02-01",
    )
    assert Measures.from_dict(measures.to_dict()) == measures
