"""The oracle cases on Spark: PostHog funnels (tests/oracles/funnels/) and pm4py's outputs on
the running example (tests/oracles/process/)."""

from __future__ import annotations

import json

import pytest

from parcours.data import ColumnMapping, read_events
from parcours.engine import EventLog, Exclusion, funnel, paths

from .conftest import ORACLES, SPARK, log_from_cases

pytestmark = SPARK

POSTHOG = json.loads((ORACLES / "funnels" / "posthog_funnel_cases.json").read_text())["cases"]
UNIT_S = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 7 * 86400}
SMALL = "spark.sql.adaptive.coalescePartitions.enabled"


@pytest.fixture(scope="module")
def small_jobs(spark):
    """Tiny logs: let adaptive execution run each shuffle as one task."""
    before = spark.conf.get(SMALL)
    spark.conf.set(SMALL, "true")
    yield spark
    spark.conf.set(SMALL, before)


@pytest.mark.parametrize("case", POSTHOG, ids=[c["name"] for c in POSTHOG])
def test_posthog_case(small_jobs, case):
    from parcours.engine.spark import SparkEventLog

    log = SparkEventLog.from_event_log(log_from_cases(case["events"]), small_jobs)
    result = funnel(
        log,
        case["steps"],
        window=case["window"]["n"] * UNIT_S[case["window"]["unit"]],
        order=case["order"],
        exclusions=[
            Exclusion(e["event"], e["from_step"], e["to_step"]) for e in case.get("exclusions", [])
        ],
    )
    assert result.counts == case["expect_step_counts"]
    extra = case.get("expect_extra", {})
    if "average_conversion_time_s" in extra:
        assert [s.average_time_to_convert_s for s in result.steps] == extra[
            "average_conversion_time_s"
        ]
        assert [s.median_time_to_convert_s for s in result.steps] == extra[
            "median_conversion_time_s"
        ]
    for key, step in (("step2_average_conversion_time_s", 1), ("time_to_convert_average_s", -1)):
        if key in extra:
            assert result.steps[step].average_time_to_convert_s == extra[key]
    if "step2_median_conversion_time_s" in extra:
        assert result.steps[1].median_time_to_convert_s == extra["step2_median_conversion_time_s"]


def test_pm4py_running_example(small_jobs):
    from parcours.engine.spark import SparkEventLog

    loaded = read_events(ORACLES / "process" / "running-example.xes", ColumnMapping())
    log = SparkEventLog.from_event_log(EventLog(loaded.connection, loaded.table), small_jobs)
    got = paths(log, top_variants=None)
    want = json.loads((ORACLES / "process" / "pm4py_running-example.json").read_text())
    assert (got.events, got.cases) == (want["events"], want["cases"])
    assert got.activities == want["activities"]
    assert got.start_activities == want["start_activities"]
    assert got.end_activities == want["end_activities"]
    assert {(e.source, e.target): e.count for e in got.dfg} == {
        (a, b): n for a, b, n in want["dfg"]
    }
    perf = {(e.source, e.target): (e.mean_s, e.median_s) for e in got.dfg}
    for a, b, mean, median in want["perf_dfg_mean_s"]:
        assert perf[(a, b)] == pytest.approx((mean, median), rel=1e-9, abs=1e-6)
    assert got.n_variants == want["n_variants"]
    variants = {",".join(v.activities): v.count for v in got.variants}
    assert all(variants[v] == n for v, n in want["top_variants"])
    duration = want["case_duration_s"]
    assert (got.case_duration.mean, got.case_duration.median) == pytest.approx(
        (duration["mean"], duration["median"]), rel=1e-9
    )
