"""Paths and flows on small literal logs; invariants on random logs."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parcours.engine import flows, paths

from .conftest import log_from_cases

LOG = {
    "p1": [[0, "home"], [10, "cart"], [20, "pay"]],
    "p2": [[0, "home"], [5, "home"], [30, "cart"]],
    "p3": [[0, "search"], [0, "cart"], [60, "pay"]],
}


def test_paths_on_a_small_log():
    result = paths(log_from_cases(LOG))
    assert result.activities == {"cart": 3, "home": 3, "pay": 2, "search": 1}
    edges = {(e.source, e.target): (e.count, e.mean_s, e.median_s) for e in result.dfg}
    assert edges[("home", "cart")] == (2, 17.5, 17.5)
    assert edges[("cart", "pay")] == (2, 35.0, 35.0)
    assert edges[("search", "cart")] == (1, 0.0, 0.0)
    assert result.self_loops == {"home": 1}
    assert [(r.activity, r.cases, r.extra) for r in result.repetitions] == [("home", 1, 1)]
    assert result.start_activities == {"home": 2, "search": 1}
    assert result.end_activities == {"pay": 2, "cart": 1}
    assert result.n_variants == 3
    assert result.case_duration.max == 60
    data = result.to_dict()
    assert ["home", "cart", 2] in data["dfg"]
    assert [["home", "cart", "pay"], 1] in data["variants"]
    assert set(result.to_frame().columns) >= {"source", "target", "count"}


def test_flows_after_and_before():
    log = log_from_cases(LOG)
    after = flows(log, "cart", steps=2)
    assert after.customers == 3
    assert [(k.depth, k.source, k.target, k.customers) for k in after.links] == [
        (0, "cart", "pay", 2),
        (0, "cart", "(end)", 1),
        (1, "pay", "(end)", 2),
    ]
    before = flows(log, "cart", steps=2, direction="before")
    assert [(k.depth, k.source, k.target, k.customers) for k in before.links] == [
        (-2, "(start)", "home", 1),
        (-2, "(start)", "search", 1),
        (-2, "home", "home", 1),
        (-1, "home", "cart", 2),
        (-1, "search", "cart", 1),
    ]


logs = st.dictionaries(
    keys=st.sampled_from([f"u{i}" for i in range(6)]),
    values=st.lists(
        st.tuples(st.integers(0, 20), st.sampled_from("abcd")), min_size=1, max_size=8
    ).map(sorted),
    min_size=1,
    max_size=6,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events=logs)
def test_path_counts_add_up(events):
    result = paths(log_from_cases(events), top_variants=None)
    n_events = sum(len(v) for v in events.values())
    assert sum(v.count for v in result.variants) == result.cases == len(events)
    assert sum(e.count for e in result.dfg) == n_events - len(events)
    assert sum(result.start_activities.values()) == len(events)
    assert sum(result.end_activities.values()) == len(events)
    assert abs(sum(v.share for v in result.variants) - 1) < 1e-9
