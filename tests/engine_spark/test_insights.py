"""The detectors' queries on Spark equal those on DuckDB: stage outcomes by earlier event, by
channel at a touchpoint and by customer attribute, conversion by the answers given at each
touchpoint, returns to each place, and the findings themselves."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from parcours.data.workspace import Workspace, create_workspace
from parcours.demo import SOURCES
from parcours.engine.outcomes import Outcomes
from parcours.engine.returns import returns
from parcours.engine.workspace_tables import workspace_tables
from parcours.insight import find_insights
from parcours.insight.trend import period_kpis
from parcours.model import load_journey
from parcours.samples import sample_events, sample_path
from parcours.simulate import SimulationConfig, simulate

from .conftest import SPARK, same

pytestmark = SPARK
SAMPLE = "sport_subscription"


@pytest.fixture(scope="module")
def workspaces(spark: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, Workspace]:
    """The sports sample for 2,000 customers with a loop, a failure driver and a moment of
    truth planted; opened on Spark (its setting) and on DuckDB."""
    root = tmp_path_factory.mktemp("insights")
    workspace = create_workspace(root, sources=SOURCES, engine="spark")
    journey_file = root / "journeys" / f"{SAMPLE}.yaml"
    shutil.copyfile(sample_path(SAMPLE), journey_file)
    config = SimulationConfig.model_validate(
        {
            "customers": 2000,
            "days": 60,
            "channel_mix": {"app": 0.6, "web": 0.4},
            "effects": [
                {
                    "kind": "loop",
                    "touchpoint": "page-paiement",
                    "back_to": "creation-compte",
                    "share": 0.5,
                    "from": "2026-01-20",
                    "to": "2026-02-03",
                    "channel": "web",
                },
                {
                    "kind": "abandonment",
                    "touchpoint": "page-paiement",
                    "change": 0.5,
                    "from": "2026-01-01",
                    "after": "app_installed",
                },
                {"kind": "moment_of_truth", "touchpoint": "page-offres", "weight": 1.2},
            ],
        }
    )
    simulate(load_journey(journey_file), root / "data", config, catalogue=sample_events(SAMPLE))
    workspace.ingest()
    return workspace, Workspace.open(root, engine="duckdb")


def counted(workspace: Workspace) -> dict[str, Any]:
    journey = load_journey(workspace.journeys(None)[SAMPLE])
    with workspace_tables(workspace) as log, period_kpis(log, journey, "week") as (kpis, _):
        with Outcomes(kpis) as outcomes:
            found: dict[str, Any] = {
                "totals": outcomes.totals(),
                "events": sorted((c.to_dict() for c in outcomes.by_earlier_event()), key=repr),
                "channels": sorted((c.to_dict() for c in outcomes.by_channel()), key=repr),
                "customers": sorted((c.to_dict() for c in outcomes.by_customer()), key=repr),
                "rated": sorted(outcomes.rated(), key=repr),
            }
        found["returns"] = sorted(returns(kpis.log, "week"), key=repr)
    return found


def test_the_detectors_counts_are_the_same_on_both_engines(workspaces):
    on_spark, on_duckdb = workspaces
    got, want = counted(on_spark), counted(on_duckdb)
    assert want["events"] and want["channels"] and want["customers"] and want["rated"]
    assert any(r.returned for r in want["returns"])
    for key in want:
        assert got[key] == want[key], key


def test_the_findings_are_the_same_on_both_engines(workspaces):
    on_spark, on_duckdb = workspaces
    same(find_insights(on_spark).to_dict(), find_insights(on_duckdb).to_dict())
