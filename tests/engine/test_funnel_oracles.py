"""Funnels equal the PostHog and ClickHouse oracle cases (tests/oracles/funnels/)."""

from __future__ import annotations

import json

import pytest

from parcours.engine import Exclusion, Step, funnel

from .conftest import ORACLES, log_from_cases

POSTHOG = json.loads((ORACLES / "funnels" / "posthog_funnel_cases.json").read_text())["cases"]
CLICKHOUSE = json.loads((ORACLES / "funnels" / "clickhouse_windowfunnel_cases.json").read_text())
UNIT_S = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 7 * 86400}


def _posthog_result(case):
    exclusions = [
        Exclusion(e["event"], e["from_step"], e["to_step"]) for e in case.get("exclusions", [])
    ]
    return funnel(
        log_from_cases(case["events"]),
        case["steps"],
        window=case["window"]["n"] * UNIT_S[case["window"]["unit"]],
        order=case["order"],
        exclusions=exclusions,
    )


@pytest.mark.parametrize("case", POSTHOG, ids=[c["name"] for c in POSTHOG])
def test_posthog_case(case):
    result = _posthog_result(case)
    assert result.counts == case["expect_step_counts"]
    extra = case.get("expect_extra", {})
    if "step2_average_conversion_time_s" in extra:
        assert result.steps[1].average_time_to_convert_s == extra["step2_average_conversion_time_s"]
    if "step2_median_conversion_time_s" in extra:
        assert result.steps[1].median_time_to_convert_s == extra["step2_median_conversion_time_s"]
    if "average_conversion_time_s" in extra:
        got = [s.average_time_to_convert_s for s in result.steps]
        assert got == extra["average_conversion_time_s"]
        got = [s.median_time_to_convert_s for s in result.steps]
        assert got == extra["median_conversion_time_s"]
    if "time_to_convert_average_s" in extra:
        assert result.steps[-1].average_time_to_convert_s == extra["time_to_convert_average_s"]


def test_posthog_has_29_cases():
    assert len(POSTHOG) == 29


def _clickhouse_order(case) -> tuple[str | None, str]:
    modes = set(case["modes"])
    unsupported = modes - {"strict_once", "strict_order"}
    if unsupported:
        return None, f"ClickHouse mode(s) {sorted(unsupported)} have no parcours equivalent"
    if "strict_order" in modes:
        return "strict", ""
    if not modes:
        names = [n for step in case["steps"] for n in step]
        if len(names) != len(set(names)):
            return None, "ClickHouse default mode lets one event fill several steps"
    return "ordered", ""


# strict_order cases whose expected levels depend on the ClickHouse release: the reference file,
# current ClickHouse (chdb 4.4 = ClickHouse 26.9) and PostHog strict mode give three different
# answers when a step event repeats (re-entry) or when two steps share an event name.
VERSION_SPECIFIC = {
    27: "ClickHouse strict_order re-entry on a repeated step event changed across releases",
    29: "ClickHouse strict_order re-entry on a repeated step event changed across releases",
    34: "ClickHouse strict_order breaks on an event of an earlier step; PostHog strict does not",
}


@pytest.mark.parametrize("index", range(len(CLICKHOUSE["cases"])))
def test_clickhouse_case(index):
    case = CLICKHOUSE["cases"][index]
    order, reason = _clickhouse_order(case)
    if index in VERSION_SPECIFIC:
        pytest.skip(f"version-specific: {VERSION_SPECIFIC[index]}")
    if order is None:
        pytest.skip(reason)
    data = CLICKHOUSE["datasets"][case["data"]]
    steps = [
        Step("*", where="event IN (" + ", ".join(f"'{n}'" for n in s) + ")", name=str(s))
        for s in case["steps"]
    ]
    for user, events in data.items():
        log = log_from_cases({user: events})
        result = funnel(log, steps, window=case["window"], order=order)
        level = sum(1 for c in result.counts if c)
        assert level == case["expect"][user], (case, user)
