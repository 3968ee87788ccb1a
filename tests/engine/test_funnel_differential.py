"""Differential test: random small logs (ties included) against ClickHouse ``windowFunnel``.

ClickHouse runs in-process through the test-only package ``chdb``. PostHog's ordered funnel
equals ``windowFunnel(W, 'strict_once')`` (oracles/funnels/posthog_vs_clickhouse.txt), ties
and repeated step names included. Strict mode has no such twin: ClickHouse ``strict_order`` stops
at the first interruption instead of letting a later step-1 event start a new attempt.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parcours.engine import funnel

from .conftest import log_from_cases

chdb = pytest.importorskip("chdb")

EVENTS = ["a", "b", "c", "d", "x"]

logs = st.dictionaries(
    keys=st.sampled_from([f"u{i}" for i in range(6)]),
    values=st.lists(
        st.tuples(st.integers(0, 40), st.sampled_from(EVENTS)), min_size=1, max_size=12
    ).map(sorted),
    min_size=1,
    max_size=6,
)


def clickhouse_levels(events, steps, window_s: int, mode: str) -> dict[str, int]:
    rows = ",".join(f"('{u}',{t},'{e}')" for u, evs in events.items() for t, e in evs)
    conds = ", ".join(f"event = '{s}'" for s in steps)
    sql = (
        f"SELECT user, windowFunnel({window_s}, '{mode}')(ts, {conds}) AS level "
        f"FROM values('user String, ts UInt32, event String', {rows}) GROUP BY user"
    )
    out = chdb.query(sql, "CSV").data()
    levels = {}
    for line in out.strip().splitlines():
        user, level = line.split(",")
        levels[user.strip('"')] = int(level)
    return levels


def counts_from_levels(levels: dict[str, int], n: int) -> list[int]:
    return [sum(1 for v in levels.values() if v >= k) for k in range(1, n + 1)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    events=logs,
    steps=st.lists(st.sampled_from(EVENTS[:4]), min_size=2, max_size=4),
    window=st.integers(0, 20),
)
def test_ordered_equals_clickhouse_strict_once(events, steps, window):
    result = funnel(log_from_cases(events), steps, window=window, order="ordered")
    levels = clickhouse_levels(events, steps, window, "strict_once")
    expected = counts_from_levels(levels, len(steps))
    assert result.counts == expected
