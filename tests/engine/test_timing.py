"""Durations over a journey's stages: time in stage, hand-overs between stages, whole journey."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from parcours.cli.analyses import durations_command
from parcours.engine import EventLog
from parcours.engine.timing import (
    TimeStats,
    format_seconds,
    histogram_edges,
    journey_timing,
    timing,
)
from parcours.errors import EngineError
from parcours.model import parse_journey

from .conftest import log_from_cases

MAP = """
name: Boutique
stages:
  - {id: discovery, name: Discovery, match: {events: ["view*"]}}
  - {id: decision, name: Decision, match: {events: [cart, pay]}}
  - {id: loyalty, name: Loyalty, match: {events: [review]}}
"""
STAGES = ["discovery", "decision", "loyalty"]
M, H, D = 60, 3600, 86400


@pytest.fixture
def result():
    """Times are seconds from 2020-01-01.

    - c1: view 0, view 10min, cart 30min, pay 40min, review 2d. In discovery 600 s, in decision
      600 s, in loyalty 0 s; hand-over discovery → decision: cart (1800) − last view before it
      (600) = 1200 s; decision → loyalty: 172800 − 2400 = 170400 s; journey 172800 s.
    - c2: view 0, cart 1h, view 2h, pay 4h. Discovery 7200 s, decision 10800 s; hand-over: the
      first decision event after a view is cart at 1h, the last view before it is at 0: 3600 s
      (the later view at 2h does not move it); journey 14400 s.
    - c3: cart 0, view 5min: decision before discovery, so no hand-over; both stages 0 s;
      journey 300 s.
    - c4: review 0 only: loyalty 0 s, journey 0 s.
    - c5: newsletter only: in no stage, not counted.
    """
    log = log_from_cases(
        {
            "c1": [
                [0, "view_home"],
                [10 * M, "view_item"],
                [30 * M, "cart"],
                [40 * M, "pay"],
                [2 * D, "review"],
            ],
            "c2": [[0, "view_home"], [H, "cart"], [2 * H, "view_item"], [4 * H, "pay"]],
            "c3": [[0, "cart"], [5 * M, "view_item"]],
            "c4": [[0, "review"]],
            "c5": [[0, "newsletter"]],
        }
    )
    return journey_timing(log, parse_journey(MAP))


def test_time_in_stage_by_hand(result) -> None:
    # discovery: [600, 7200, 0] → sorted [0, 600, 7200]; p25 at rank 0.5 → 300, p75 at 1.5 → 3900,
    # p90 at 1.8 → 600 + 0.8 × 6600 = 5880
    assert result.stage("discovery") == TimeStats(3, 2600.0, 600.0, 300.0, 3900.0, 5880.0, 0, 7200)
    # decision: [600, 10800, 0] → p75 = 600 + 0.5 × 10200, p90 = 600 + 0.8 × 10200
    assert result.stage("decision") == TimeStats(
        3, 3800.0, 600.0, 300.0, 5700.0, 8760.0, 0.0, 10800.0
    )
    assert result.stage("loyalty") == TimeStats(2, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    assert result.customers == 4


def test_time_between_stages_by_hand(result) -> None:
    first, second = result.transitions
    assert (first.source, first.target) == ("discovery", "decision")
    assert first.stats.count == 2 and first.stats.mean_s == 2400.0
    assert (first.stats.min_s, first.stats.max_s) == (1200.0, 3600.0)
    assert (second.source, second.target) == ("decision", "loyalty")
    assert second.stats.count == 1 and second.stats.median_s == 170400.0


def test_whole_journey_and_histogram_by_hand(result) -> None:
    journey = result.journey
    # [0, 300, 14400, 172800]: mean 187500 / 4; median between 300 and 14400
    assert (journey.count, journey.mean_s, journey.median_s) == (4, 46875.0, 7350.0)
    edges = [b.low_s for b in result.histogram] + [result.histogram[-1].high_s]
    assert edges == histogram_edges(0, 2 * D)
    assert (edges[0], edges[-1]) == (0, 3 * D)
    filled = {b.label: b.customers for b in result.histogram if b.customers}
    assert filled == {"0s–1s": 1, "5min–15min": 1, "2h–6h": 1, "2d–3d": 1}
    assert sum(b.share for b in result.histogram) == pytest.approx(1.0)


def test_frames_and_dict(result) -> None:
    frame = result.to_frame()
    assert list(frame["kind"]) == ["stage"] * 3 + ["transition"] * 2 + ["journey"]
    assert frame.loc[3, "name"] == "discovery → decision"
    assert result.histogram_frame()["customers"].sum() == 4
    data = result.to_dict()
    assert data["stages"][0]["stage"] == "discovery" and data["journey"]["count"] == 4
    assert "<table" in result._repr_html_()


def test_histogram_edges_are_round_durations() -> None:
    assert histogram_edges(0, 40) == [0, 1, 5, 15, 30, 60]
    assert histogram_edges(2 * H, 10 * D) == [2 * H, 6 * H, 12 * H, D, 2 * D, 3 * D, 7 * D, 14 * D]
    assert histogram_edges(D, 400 * D)[-2:] == [365 * D, 730 * D]
    assert [format_seconds(s) for s in (0, 30, 15 * M, 6 * H, 14 * D, 1.5)] == [
        "0s",
        "30s",
        "15min",
        "6h",
        "14d",
        "1.5s",
    ]


def test_unbound_log_and_bad_stages_are_refused() -> None:
    log = log_from_cases({"c1": [[0, "view"]]})
    with pytest.raises(EngineError, match="no stage column"):
        timing(log, STAGES)
    bound = log_from_cases({"c1": [[0, "view"]]})
    bound.execute("CREATE TEMP VIEW staged AS SELECT *, 'a' AS stage FROM {events}").fetchall()
    with pytest.raises(EngineError, match="distinct"):
        timing(EventLog(bound.connection, "staged"), ["a", "a"])


def test_empty_stages_give_empty_statistics() -> None:
    log = log_from_cases({"c1": [[0, "newsletter"]]})
    result = journey_timing(log, parse_journey(MAP))
    assert result.customers == 0 and result.histogram == ()
    assert all(s.stats.count == 0 and s.stats.mean_s is None for s in result.stages)


def test_cli_durations_on_a_csv_file(tmp_path) -> None:
    """u1: view 10:00, cart 10:30, pay 11:00 → decision 1800 s, hand-over 1800 s, journey 3600 s;
    u2: view only → journey 0 s."""
    events = tmp_path / "events.csv"
    events.write_text(
        "customer_id,timestamp,event\n"
        "u1,2024-01-01T10:00:00,view\nu1,2024-01-01T10:30:00,cart\n"
        "u1,2024-01-01T11:00:00,pay\nu2,2024-01-02T09:00:00,view\n"
    )
    journey = tmp_path / "map.yaml"
    journey.write_text(MAP)
    args = [str(events), "--journey", str(journey)]
    out = CliRunner().invoke(durations_command, [*args, "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["customers"] == 2 and data["stages"][1]["median_s"] == 1800.0
    assert data["transitions"][0]["mean_s"] == 1800.0 and data["journey"]["max_s"] == 3600.0
    table = CliRunner().invoke(durations_command, args)
    assert table.exit_code == 0 and "discovery → decision" in table.output
    assert "30min–1h" in table.output


# --- property: a brute-force reference on random logs (ties included) ---------------------------

EVENTS = ["view", "cart", "pay", "review", "other"]
STAGE_OF = {"view": "discovery", "cart": "decision", "pay": "decision", "review": "loyalty"}

logs = st.dictionaries(
    st.sampled_from([f"c{i}" for i in range(6)]),
    st.lists(
        st.tuples(st.integers(0, 40).map(lambda h: h * H), st.sampled_from(EVENTS)), max_size=8
    ),
    min_size=1,
)


def reference(cases: dict[str, list[tuple[int, str]]]) -> dict[str, list[float]]:
    """Per-customer durations by a plain walk over each customer's ordered events."""
    out: dict[str, list[float]] = {k: [] for k in [*STAGES, "discovery>decision", "journey"]}
    out["decision>loyalty"] = []
    for evs in cases.values():
        ordered = [(t, STAGE_OF[e]) for t, e in sorted(evs, key=lambda x: x[0]) if e in STAGE_OF]
        if not ordered:
            continue
        out["journey"].append(ordered[-1][0] - ordered[0][0])
        for stage in STAGES:
            times = [t for t, s in ordered if s == stage]
            if times:
                out[stage].append(times[-1] - times[0])
        for a, b in itertools.pairwise(STAGES):
            last_a = None
            for t, s in ordered:
                if s == a:
                    last_a = t
                elif s == b and last_a is not None:
                    out[f"{a}>{b}"].append(t - last_a)
                    break
    return out


def assert_matches(stats: TimeStats, values: list[float]) -> None:
    assert stats.count == len(values)
    if values:
        assert stats.mean_s == pytest.approx(np.mean(values))
        assert stats.p90_s == pytest.approx(np.percentile(values, 90))
        assert stats.min_s is not None and stats.min_s >= 0
    else:
        assert stats.mean_s is None


@settings(max_examples=20, deadline=None)
@given(logs)
def test_durations_match_a_brute_force_walk(cases) -> None:
    # stable sort by time keeps listing order on ties, as event_seq does
    log = log_from_cases(
        {c: [list(e) for e in sorted(evs, key=lambda x: x[0])] for c, evs in cases.items()}
    )
    result = journey_timing(log, parse_journey(MAP))
    expected = reference(cases)
    for stage in STAGES:
        assert_matches(result.stage(stage), expected[stage])
        assert result.stage(stage).count <= result.customers <= len(cases)
    for t in result.transitions:
        assert_matches(t.stats, expected[f"{t.source}>{t.target}"])
        assert t.stats.count <= min(result.stage(t.source).count, result.stage(t.target).count)
    assert_matches(result.journey, expected["journey"])
    assert sum(b.customers for b in result.histogram) == result.customers
    assert all(b.low_s < b.high_s and not math.isnan(b.share) for b in result.histogram)
