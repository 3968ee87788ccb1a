"""Differential test: random small logs against ClickHouse ``windowFunnel`` (package ``chdb``).

PostHog's ordered funnel equals ``windowFunnel(W, 'strict_once')``
(oracles/funnels/posthog_vs_clickhouse.txt) on logs with ties, and on logs with repeated step
names; not on both at once (see the last test). Strict mode has no such twin: ClickHouse
``strict_order`` stops at the first interruption instead of letting a later step-1 event start
a new attempt.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parcours.engine import funnel

from .conftest import log_from_cases

chdb = pytest.importorskip("chdb")

EVENTS = ["a", "b", "c", "d", "x"]


def logs(ties: bool) -> st.SearchStrategy[dict[str, list[tuple[int, str]]]]:
    events = st.lists(
        st.tuples(st.integers(0, 40), st.sampled_from(EVENTS)),
        min_size=1,
        max_size=12,
        unique_by=None if ties else (lambda e: e[0]),
    ).map(sorted)
    users = st.sampled_from([f"u{i}" for i in range(6)])
    return st.dictionaries(keys=users, values=events, min_size=1, max_size=6)


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


def check(events, steps, window) -> None:
    result = funnel(log_from_cases(events), steps, window=window, order="ordered")
    levels = clickhouse_levels(events, steps, window, "strict_once")
    assert result.counts == counts_from_levels(levels, len(steps))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    events=logs(ties=True),
    steps=st.lists(st.sampled_from(EVENTS[:4]), min_size=2, max_size=4, unique=True),
    window=st.integers(0, 20),
)
def test_ordered_equals_clickhouse_strict_once_with_ties(events, steps, window):
    check(events, steps, window)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    events=logs(ties=False),
    steps=st.lists(st.sampled_from(EVENTS[:3]), min_size=2, max_size=4),
    window=st.integers(0, 20),
)
def test_ordered_equals_clickhouse_strict_once_with_repeated_steps(events, steps, window):
    check(events, steps, window)


def test_known_divergence_repeated_step_in_a_tie():
    """PostHog lets a tied step-1 event restart the attempt before the tie's later steps are
    applied; ClickHouse keeps the older attempt. parcours follows PostHog."""
    events = {"u0": [(0, "b"), (1, "a"), (1, "b")]}
    steps = ["b", "a", "b"]
    assert funnel(log_from_cases(events), steps, window=1).counts == [1, 1, 0]
    assert clickhouse_levels(events, steps, 1, "strict_once") == {"u0": 3}
