"""The funnel over the hot columns equals the funnel over rows read by a query.

Funnels whose steps are event names read the log's hot columns (event codes, see
``parcours.engine.columns``); steps with a ``where`` and breakdowns read their step and exclusion
bits from a query. Both feed the same kernel, so they must agree on every order, with ties,
repeats and exclusions, whatever the order the source keeps its rows in.
"""

from __future__ import annotations

import random

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from parcours.engine import EventLog, Exclusion, Step, funnel
from parcours.engine import _funnel_kernel as kernel
from parcours.engine.duckdb.funnel import levels_from_query
from parcours.engine.durations import parse_duration, to_microseconds
from parcours.engine.funnel_plan import FunnelPlan, check
from parcours.engine.funnel_result import build_steps

from .conftest import EVENTS, log_from_cases, random_logs

logs = random_logs(8, 12, 12)
step_lists = st.lists(st.sampled_from([*EVENTS[:3], "*"]), min_size=1, max_size=5)


orders = st.sampled_from(["ordered", "strict", "unordered"])


def reference(
    log: EventLog, steps: list[str], window: int, order: str = "ordered", exclusions=()
) -> list[dict]:
    specs = tuple(Step(s) for s in steps)
    window_us = to_microseconds(parse_duration(window))
    plan = FunnelPlan(specs, check(specs, exclusions, order), window_us, order)
    levels, times, _ = levels_from_query(log, plan)
    return [vars(s) for s in build_steps(steps, levels, times)]


def assert_same(got: list[dict], want: list[dict]) -> None:
    assert [s["customers"] for s in got] == [s["customers"] for s in want]
    for g, w in zip(got, want, strict=True):
        for field, value in w.items():
            assert g[field] == (pytest.approx(value) if isinstance(value, float) else value)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events=logs, steps=step_lists, window=st.integers(0, 8), order=orders)
@example(
    events={"u0": [(0, "b"), (1, "a"), (1, "b")]}, steps=["b", "a", "b"], window=1, order="ordered"
)
@example(
    events={"u0": [(0, "a"), (0, "b"), (0, "c")]}, steps=["c", "b", "a"], window=0, order="ordered"
)
@example(
    events={"u0": [(0, "a"), (0, "a"), (1, "b")]}, steps=["a", "a", "b"], window=5, order="strict"
)
def test_columns_equal_query(events, steps, window, order):
    log = log_from_cases(events)
    got = [vars(s) for s in funnel(log, steps, window=window, order=order).steps]
    assert_same(got, reference(log, steps, window, order))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events=logs, window=st.integers(0, 8), order=st.sampled_from(["ordered", "strict"]))
def test_columns_equal_query_with_exclusions(events, window, order):
    log = log_from_cases(events)
    steps, exclusions = ["a", "b", "c"], [Exclusion("x", 0, 2)]
    result = funnel(log, steps, window=window, order=order, exclusions=exclusions)
    got = [vars(s) for s in result.steps]
    assert_same(got, reference(log, steps, window, order, exclusions))


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events=logs, steps=step_lists, window=st.integers(0, 8), seed=st.integers(0, 1000))
def test_any_source_order_gives_the_same_funnel(events, steps, window, seed):
    """Rows stored out of order (shuffled) are re-read sorted by (customer, time, event_seq)."""
    log = log_from_cases(events)
    table = log.connection.sql(f"SELECT * FROM {log.source}").to_arrow_table()
    rows = list(range(table.num_rows))
    random.Random(seed).shuffle(rows)
    shuffled = EventLog.from_arrow(table.take(pa.array(rows, pa.int64())))
    got = [vars(s) for s in funnel(shuffled, steps, window=window).steps]
    assert_same(got, reference(log, steps, window))


def test_breakdown_takes_the_first_non_empty_value_in_order():
    log = log_from_cases(
        {
            "p2": [[0, "x", '{"plan": "free"}'], [1, "a", '{"plan": ""}'], [2, "b"]],
            "p1": [[5, "a", None], [6, "b", '{"plan": "pro"}'], [6, "a", '{"plan": "free"}']],
            "p3": [[0, "b", '{"plan": "pro"}']],
        }
    )
    result = funnel(log, ["a", "b"], breakdown="plan")
    assert result.counts == [2, 2]
    assert result.segment(None).steps[1].customers == 1  # p2: "" is no value
    assert result.segment("pro").steps[1].customers == 1  # p1: first value on a step event
    with pytest.raises(KeyError):
        result.segment("free")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    customers=st.lists(
        st.lists(st.tuples(st.integers(0, 6), st.integers(0, 4)), min_size=1, max_size=14).map(
            sorted
        ),
        min_size=1,
        max_size=6,
    ),
    window=st.integers(0, 6),
)
def test_lean_machine_equals_full_one(customers, window):
    """Ordered funnels without exclusions, one step per event, take the lean machine; the full
    machine (every rule: exclusion flags, row sets) must give the same levels and times."""
    ts = np.array([t for rows in customers for t, _ in rows], dtype=np.int64)
    codes = np.array([c for rows in customers for _, c in rows], dtype=np.int32)
    bounds = np.r_[0, np.cumsum([len(rows) for rows in customers])].astype(np.int64)
    step_of = np.array([0, 1, 2, 4, 0], dtype=np.int64)  # code 1 -> step 1, ..., code 4: none
    none = np.zeros(5, dtype=np.int64)
    args = (bounds, ts, codes, step_of, none, 3, window)
    lean = kernel._simple_chunk(0, len(customers), *args, kernel.SIMPLE, 0)
    full = kernel._ordered_chunk(0, len(customers), *args, kernel.ORDERED, 0)
    assert lean[0].tolist() == full[0].tolist()
    assert lean[1].tolist() == full[1].tolist()
    for level, a, b in zip(full[1], lean[2], full[2], strict=True):
        assert a[:level].tolist() == b[:level].tolist()
