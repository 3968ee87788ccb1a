"""The detectors after incidents on a simulated workspace where the simulator plants one story
for each: a loop on one channel for two weeks, a failure driver, a moment of truth the map
does not declare, and a segment that converts less."""

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from parcours.cli import main
from parcours.data.workspace import Workspace, create_workspace
from parcours.demo import SOURCES
from parcours.insight import Insights, find_insights
from parcours.samples import load_sample, sample_events, sample_path
from parcours.simulate import SimulationConfig, simulate

SAMPLE = "sport_subscription"
STORIES = {
    "personas": [
        {"persona": "lea-reprise-sport"},
        {"persona": "julien-etudiant", "progress": 0.6},  # converts less at every stage
    ],
    "effects": [
        {  # a bug sends web customers from the payment page back to the account page
            "kind": "loop",
            "touchpoint": "page-paiement",
            "back_to": "creation-compte",
            "share": 0.5,
            "from": "2026-03-02",
            "to": "2026-03-16",
            "channel": "web",
        },
        {  # those who installed the app earlier abandon more at payment
            "kind": "abandonment",
            "touchpoint": "page-paiement",
            "change": 0.5,
            "from": "2026-01-01",
            "after": "app_installed",
        },
        {"kind": "moment_of_truth", "touchpoint": "page-offres", "weight": 1.2},
    ],
}


def build(root: Path, settings: dict[str, object], seed: int = 7) -> Workspace:
    created = create_workspace(root, sources=SOURCES)
    shutil.copyfile(sample_path(SAMPLE), root / "journeys" / f"{SAMPLE}.yaml")
    config = SimulationConfig.model_validate(
        {
            "customers": 20_000,
            "days": 120,
            "seed": seed,
            "channel_mix": {"app": 0.6, "web": 0.4},
            **settings,
        }
    )
    simulate(load_sample(SAMPLE), root / "data", config, catalogue=sample_events(SAMPLE))
    created.ingest()
    return Workspace.open(root)


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return build(tmp_path_factory.mktemp("stories"), STORIES)


@pytest.fixture(scope="module")
def found(planted: Workspace) -> Insights:
    return find_insights(planted)


def of_kind(found: Insights, kind: str) -> list:
    return [f for f in found.findings if f.kind == kind]


def test_each_planted_story_is_found_once(found: Insights) -> None:
    kinds = [f.kind for f in found.findings]
    for kind in ("loop", "failure_driver", "moment_of_truth", "segment_gap"):
        assert kinds.count(kind) == 1, kinds


def test_a_loop_on_one_channel_for_two_weeks(found: Insights) -> None:
    (loop,) = of_kind(found, "loop")
    assert loop.where.stage == "achat"
    assert loop.where.touchpoint in ("page-paiement", "creation-compte")
    assert loop.start is not None and loop.end is not None
    assert abs((loop.start - date(2026, 3, 2)).days) <= 3
    assert abs((loop.end - date(2026, 3, 15)).days) <= 3
    assert loop.segment == {"channel": "web"}
    channels = {c["channel"]: c for c in loop.evidence["channels"]}
    assert channels["web"]["lost"] > 5 * abs(channels["app"]["lost"])
    assert loop.evidence["observed"] > 10 * loop.evidence["baseline"]
    assert loop.cost == pytest.approx(
        (loop.evidence["observed"] - loop.evidence["baseline"]) * loop.evidence["customers"],
        rel=1e-3,
    )
    assert "web" in loop.summary["fr"] and "boucle" in loop.summary["fr"]


def test_a_failure_driver_with_its_odds_ratio_and_both_sides(found: Insights) -> None:
    (driver,) = of_kind(found, "failure_driver")
    assert driver.where.stage == "achat" and driver.segment == {"event": "app_installed"}
    evidence = driver.evidence
    low, high = evidence["interval"]
    assert low < evidence["odds_ratio"] < high < 1
    assert evidence["q_value"] < 0.01
    with_, without = evidence["with"], evidence["without"]
    assert with_["conversion"] < 0.5 * without["conversion"]
    assert driver.cost == pytest.approx(
        (without["conversion"] - with_["conversion"]) * (with_["moved"] + with_["dropped"]),
        rel=1e-3,
    )


def test_an_undeclared_moment_of_truth_and_a_declared_one_not_seen_as_decisive(
    found: Insights,
) -> None:
    (moment,) = of_kind(found, "moment_of_truth")
    assert (moment.where.stage, moment.where.touchpoint) == ("evaluation", "page-offres")
    assert moment.evidence["declared"] is False
    low, high = moment.evidence["interval"]
    assert 0 < low < moment.evidence["lift"] < high
    assert "non déclaré" in moment.summary["fr"]
    judged = {m.touchpoint: m for m in found.moments}
    assert judged["page-offres"].decisive and not judged["page-offres"].declared
    # the map declares the payment page a moment of truth; the data does not show it decisive
    assert judged["page-paiement"].declared and not judged["page-paiement"].decisive


def test_a_segment_that_converts_less(found: Insights) -> None:
    (gap,) = of_kind(found, "segment_gap")
    assert gap.segment == {"persona": "julien-etudiant"}
    assert gap.evidence["conversion"] < gap.evidence["others"]
    # the same segment at the other stages is told by the same finding
    assert {r["stage"] for r in gap.evidence["related"]} >= {"evaluation"}


def test_insights_json_lists_every_kind_and_the_moments(planted: Workspace) -> None:
    result = CliRunner().invoke(main, ["insights", str(planted.root), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    kinds = {f["kind"] for f in data["findings"]}
    assert {"loop", "failure_driver", "moment_of_truth", "segment_gap"} <= kinds
    assert [f["rank"] for f in data["findings"]] == list(range(1, len(data["findings"]) + 1))
    costs = [f["cost"] for f in data["findings"]]
    assert costs == sorted(costs, reverse=True)
    moments = {m["touchpoint"]: m for m in data["moments_of_truth"]}
    assert moments["page-offres"]["measured"] and not moments["page-offres"]["declared"]
    text = CliRunner().invoke(main, ["insights", str(planted.root), "--lang", "fr"])
    assert "failure_driver" in text.output and "boucle" in text.output
    assert text.output.startswith("Ce qui compte : ")
    assert "ne montrent pas décisifs : page-paiement" in text.output


def test_measure_opens_the_map_with_what_matters_and_marks_each_finding(
    planted: Workspace, found: Insights, tmp_path: Path
) -> None:
    page = tmp_path / "map.html"
    args = ["measure", str(planted.root), "--voice", "none", "--lang", "en", "--view", "grid"]
    result = CliRunner().invoke(main, [*args, "-o", str(page), "--format", "json"])
    assert result.exit_code == 0, result.output
    drawn = page.read_text(encoding="utf-8")
    head = drawn.split('<section class="what-matters"', 1)[1].split("</header>", 1)[0]
    top = head.split('<ol class="top-findings">', 1)[1].split("</ol>", 1)[0]
    assert [f.kind for f in found.findings[:3]] == [
        part.split('"', 1)[0] for part in top.split('data-kind="')[1:]
    ]
    assert found.findings[0].summary["en"].replace("'", "&#39;") in top
    assert "No earlier measure of the whole data to compare with." in head
    marked = [f for f in found.findings if f.kind != "drift" and f.where.stage]
    assert drawn.count('class="finding-marker"') == len(marked) >= 4
    matters = json.loads(result.output)[SAMPLE]["what_matters"]
    assert matters["found"] == len(found.findings) and matters["since"] is None
    bare = tmp_path / "bare.html"
    result = CliRunner().invoke(main, [*args, "-o", str(bare), "--no-insights"])
    assert result.exit_code == 0, result.output
    plain = bare.read_text(encoding="utf-8")
    assert '<section class="what-matters"' not in plain and 'class="finding-marker"' not in plain


def test_map_drift_unclaimed_events_a_silent_touchpoint_and_a_kpi_without_data(
    planted: Workspace,
) -> None:
    import yaml

    document = yaml.safe_load(sample_path(SAMPLE).read_text(encoding="utf-8"))
    document["id"] = "drifted"
    evaluation = next(s for s in document["stages"] if s["id"] == "evaluation")
    evaluation["match"]["events"].remove("review_read")  # renamed in the data's new release
    reviews = next(t for t in evaluation["touchpoints"] if t["id"] == "avis-store")
    reviews["match"]["events"] = ["review_opened"]
    offers = next(t for t in evaluation["touchpoints"] if t["id"] == "page-offres")
    offers["kpis"] = [*offers.get("kpis", []), {"id": "nps-offres", "kind": "nps"}]
    trial = next(t for t in evaluation["touchpoints"] if t["id"] == "essai-application")
    trial["emotion"] = -1.5  # the data's customers enjoy the trial (+1.5 designed, simulated)
    path = planted.root / "journeys" / "drifted.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    try:
        found = find_insights(planted, ["drifted"])
    finally:
        path.unlink()
    drifted = [f for f in found.findings if f.kind == "drift"]
    unclaimed = next(f for f in drifted if f.evidence["measure"] == "unclaimed_events")
    assert unclaimed.where.stage is None and "review_read" in unclaimed.where.events
    assert unclaimed.evidence["unclaimed"]["review_read"] > 1000
    assert "review_read" in unclaimed.summary["fr"] and "review_read" in unclaimed.summary["en"]
    silent = next(f for f in drifted if f.evidence["measure"] == "silent_touchpoint")
    assert (silent.where.stage, silent.where.touchpoint) == ("evaluation", "avis-store")
    # a KPI whose survey nobody answers: no NPS is asked on the offers page
    assert any(f.evidence["measure"] == "nps-offres" for f in drifted)
    felt = next(f for f in drifted if f.evidence["measure"] == "emotion")
    assert (felt.where.stage, felt.where.touchpoint) == ("evaluation", "essai-application")
    low, high = felt.evidence["interval"]
    assert felt.evidence["designed"] == -1.5 and 1 < low < felt.evidence["measured"] < high
    assert felt.evidence["answers"] >= 30 and felt.evidence["gap"] > 2.5
    assert [f.evidence["measure"] for f in drifted].count("emotion") == 1  # the rest as designed
    assert all(f.cost == 0 for f in drifted)
    assert found.findings[-1].kind == "drift"  # the stories come first


def test_each_story_proposes_a_pain_point_with_its_evidence(found: Insights) -> None:
    from parcours.insight.pain_points import proposed_pain_points
    from parcours.model.vocabulary import Severity

    proposed = proposed_pain_points(found)
    stories = [f for f in found.findings if f.kind != "drift"]
    assert [p.finding for p in proposed] == stories
    top = proposed[0]
    assert top.stage == stories[0].where.stage
    assert top.pain_point.touchpoint == stories[0].where.touchpoint
    assert top.pain_point.description == {
        "fr": stories[0].summary["fr"],
        "en": stories[0].summary["en"],
    }
    share = stories[0].cost / sum(f.cost for f in stories)
    assert (top.pain_point.severity is Severity.CRITICAL) == (share >= 0.4)
    # the same story found again keeps its id
    again = proposed_pain_points(found)
    assert [p.pain_point.id for p in again] == [p.pain_point.id for p in proposed]
    assert len({p.pain_point.id for p in proposed}) == len(proposed)
    assert top.to_dict()["pain_point"]["evidence"][0]["kind"] == "analytics"
