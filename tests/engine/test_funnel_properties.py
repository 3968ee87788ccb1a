"""Funnel invariants on random logs, and the API's behaviour on bad input."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parcours.engine import Exclusion, Step, funnel
from parcours.errors import EngineError

from .conftest import EVENTS, log_from_cases, random_logs

logs = random_logs(5, 30, 10)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    events=logs,
    steps=st.lists(st.sampled_from([*EVENTS[:3], "*"]), min_size=1, max_size=4),
    order=st.sampled_from(["ordered", "strict", "unordered"]),
    window=st.integers(0, 20),
)
def test_counts_never_rise(events, steps, order, window):
    result = funnel(log_from_cases(events), steps, window=window, order=order)
    counts = result.counts
    assert all(a >= b for a, b in itertools.pairwise(counts))
    assert counts[0] <= len(events)
    for step in result.steps:
        assert step.drop_off >= 0


def test_unordered_counts_steps_in_any_order():
    log = log_from_cases(
        {
            "p1": [[0, "c"], [1, "b"], [2, "a"]],
            "p2": [[0, "b"], [100, "a"]],
            "p3": [[0, "a"], [1, "a"]],
        }
    )
    assert funnel(log, ["a", "b", "c"], window=10, order="unordered").counts == [3, 1, 1]
    assert funnel(log, ["a", "a"], window=10, order="unordered").counts == [3, 1]
    assert funnel(log, ["*", "b"], window=10, order="unordered").counts == [3, 1]


def test_breakdown_by_event_property_first_touch():
    log = log_from_cases(
        {
            "p1": [[0, "a", '{"plan": "pro"}'], [1, "b", '{"plan": "free"}']],
            "p2": [[0, "a", '{"plan": "free"}']],
            "p3": [[0, "x", '{"plan": "pro"}'], [1, "a", None], [2, "b", None]],
        }
    )
    result = funnel(log, ["a", "b"], breakdown="plan")
    assert result.counts == [3, 2]
    assert result.segment("pro").steps[1].customers == 1
    assert result.segment("free").steps[0].customers == 1
    assert result.segment(None).steps[1].customers == 1
    frame = result.to_frame()
    assert set(frame["segment"].dropna()) == {"pro", "free"}
    assert result.to_dict()["segments"][0]["steps"][0]["name"] == "a"


def test_breakdown_by_customer_attribute():
    log = log_from_cases({"p1": [[0, "a"], [1, "b"]], "p2": [[0, "a"]]})
    log.connection.execute(
        "CREATE TEMP TABLE people AS SELECT * FROM (VALUES ('p1', 'fr'), ('p2', 'en')) "
        "t(customer_id, country)"
    )
    result = funnel(log, ["a", "b"], breakdown="country", customers="people")
    assert result.segment("fr").steps[1].customers == 1
    assert result.segment("en").steps[1].customers == 0


def test_step_with_predicate_and_conversion_fields():
    log = log_from_cases(
        {"p1": [[0, "a"], [60, "b"]], "p2": [[0, "a"], [120, "b"]], "p3": [[0, "a"]]}
    )
    result = funnel(log, [Step("a"), Step("b", where="event = 'b'", name="bought")])
    second = result.steps[1]
    assert second.name == "bought"
    assert (second.customers, second.drop_off) == (2, 1)
    assert second.conversion_from_previous == pytest.approx(2 / 3)
    assert second.average_time_to_convert_s == 90
    assert second.median_time_to_convert_s == 90


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"steps": []}, "1 to"),
        ({"steps": ["a"], "order": "sideways"}, "unknown funnel order"),
        ({"steps": ["a", "b"], "window": "soon"}, "cannot read the duration"),
        ({"steps": ["a", "b"], "exclusions": [Exclusion("a")]}, "also a step"),
        ({"steps": ["a", "b"], "exclusions": [Exclusion("x", 1, 1)]}, "from_step"),
        ({"steps": ["a", "b"], "order": "unordered", "exclusions": [Exclusion("x")]}, "unordered"),
    ],
)
def test_bad_input_raises_engine_error(kwargs, message):
    log = log_from_cases({"p1": [[0, "a"]]})
    with pytest.raises(EngineError, match=message):
        funnel(log, **kwargs)
