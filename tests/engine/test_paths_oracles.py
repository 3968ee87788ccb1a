"""Paths equal pm4py's outputs on three real logs (tests/oracles/process/)."""

from __future__ import annotations

import json
from functools import cache

import pytest

from parcours.data import ColumnMapping, read_events
from parcours.engine import EventLog, paths

from .conftest import ORACLES

PROCESS = ORACLES / "process"
XES = ColumnMapping()  # XES defaults: case:concept:name, concept:name, time:timestamp
CSV = ColumnMapping(
    columns={
        "customer_id": "case:concept:name",
        "event": "concept:name",
        "timestamp": "time:timestamp",
    }
)
LOGS = {
    "running-example": ("running-example.xes", XES),
    "receipt": ("08_receipt.xes.gz", XES),
    "bpic2013_incidents": ("bpic2013_incidents.events.csv.gz", CSV),
}


@cache
def result(name: str):
    file, mapping = LOGS[name]
    loaded = read_events(PROCESS / file, mapping)
    return paths(EventLog(loaded.connection, loaded.table), top_variants=None)


@cache
def oracle(name: str):
    return json.loads((PROCESS / f"pm4py_{name}.json").read_text())


@pytest.mark.parametrize("name", LOGS)
def test_counts_activities_start_end(name):
    got, want = result(name), oracle(name)
    assert (got.events, got.cases) == (want["events"], want["cases"])
    assert got.activities == want["activities"]
    assert got.start_activities == want["start_activities"]
    assert got.end_activities == want["end_activities"]


@pytest.mark.parametrize("name", LOGS)
def test_dfg_and_performance(name):
    got, want = result(name), oracle(name)
    assert {(e.source, e.target): e.count for e in got.dfg} == {
        (a, b): n for a, b, n in want["dfg"]
    }
    perf = {(e.source, e.target): (e.mean_s, e.median_s) for e in got.dfg}
    assert set(perf) == {(a, b) for a, b, _, _ in want["perf_dfg_mean_s"]}
    for a, b, mean, median in want["perf_dfg_mean_s"]:
        assert perf[(a, b)] == pytest.approx((mean, median), rel=1e-9, abs=1e-6)


@pytest.mark.parametrize("name", LOGS)
def test_variants(name):
    got, want = result(name), oracle(name)
    assert got.n_variants == want["n_variants"]
    ours = {",".join(v.activities): v.count for v in got.variants}
    for variant, count in want["top_variants"]:
        assert ours[variant] == count
    top = sorted(ours.values(), reverse=True)[: len(want["top_variants"])]
    assert top == [c for _, c in want["top_variants"]]
    assert sum(v.count for v in got.variants) == got.cases


@pytest.mark.parametrize("name", LOGS)
def test_case_durations(name):
    got, want = result(name).case_duration, oracle(name)["case_duration_s"]
    assert got.n == want["n"]
    assert (got.mean, got.median, got.min, got.max) == pytest.approx(
        (want["mean"], want["median"], want["min"], want["max"]), rel=1e-9, abs=1e-6
    )
