"""Attribution models on small paths, and paths derived from an event log."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from parcours.engine import ConversionPaths, attribute, paths_from_events
from parcours.errors import EngineError

from .conftest import log_from_cases, random_logs


def small() -> ConversionPaths:
    return ConversionPaths(
        paths=(("a", "b", "c", "d"), ("a", "b"), ("c",)),
        conversions=np.array([1.0, 2.0, 0.0]),
        value=np.array([10.0, 20.0, 0.0]),
        nulls=np.array([0.0, 1.0, 3.0]),
    )


def credits(result):
    return {c.channel: round(c.conversions, 9) for c in result.channels}


def test_position_based_40_20_40():
    result = attribute(small(), "position")
    assert credits(result) == {"a": 1.4, "b": 1.1, "c": 0.1, "d": 0.4}
    assert result.credit("a").value == pytest.approx(14.0)


def test_time_decay_by_position_halves_each_step_back():
    result = attribute(small(), "time-decay", half_life=1)
    w = np.array([1, 2, 4, 8]) / 15
    assert result.credit("d").conversions == pytest.approx(w[3])
    assert result.credit("a").conversions == pytest.approx(w[0] + 2 / 3 * 1 / 1 * 1)


def test_markov_credits_add_up_and_remove_effects_are_shares():
    result = attribute(small(), "markov", order=2)
    assert sum(c.conversions for c in result.channels) == pytest.approx(3.0)
    assert sum(c.value for c in result.channels) == pytest.approx(30.0)
    assert all(0 <= c.removal_effect <= 1 for c in result.channels)
    assert result.to_dict()["channels"][0]["channel"] in {"a", "b"}


def test_paths_from_events_and_time_decay_in_seconds():
    log = log_from_cases(
        {
            "p1": [[0, "visit"], [3600, "visit"], [7200, "buy", '{"amount": 30}']],
            "p2": [[0, "visit"]],
        }
    )
    log.connection.execute(f"ALTER TABLE {log.source} ADD COLUMN channel VARCHAR")
    log.connection.execute(
        f"UPDATE {log.source} SET channel = CASE WHEN event = 'buy' THEN NULL "
        "WHEN event_seq = 0 THEN 'ads' WHEN event_seq = 1 THEN 'mail' ELSE 'ads' END"
    )
    journeys = paths_from_events(log, "buy", value="amount")
    assert journeys.paths == (("ads", "mail"), ("ads",))
    assert journeys.conversions.tolist() == [1.0, 0.0]
    assert journeys.value.tolist() == [30.0, 0.0]
    assert journeys.ages_s == ((7200.0, 3600.0), (0.0,))
    result = attribute(journeys, "time-decay", half_life="1h")
    assert result.credit("mail").conversions == pytest.approx(2 / 3)


def test_unknown_model_and_no_conversion():
    with pytest.raises(EngineError, match="unknown attribution model"):
        attribute(small(), "magic")  # type: ignore[arg-type]
    none = ConversionPaths((("a",),), np.array([0.0]), np.array([0.0]), np.array([1.0]))
    with pytest.raises(EngineError, match="no path converts"):
        attribute(none, "markov")


@settings(max_examples=40, deadline=None)
@given(cases=random_logs(10, 6, 8))
def test_paths_counted_by_the_engine_give_the_same_attribution(cases):
    """Without ages the engine counts identical paths itself: Markov and the position models
    give the same credit as on one path per customer and conversion."""
    log = log_from_cases(cases)
    log.connection.execute(f"ALTER TABLE {log.source} ADD COLUMN channel VARCHAR")
    log.connection.execute(
        f"UPDATE {log.source} SET channel = CASE WHEN event = 'c' THEN NULL ELSE event END"
    )
    try:
        each = paths_from_events(log, "c")
    except EngineError:  # no touch before a conversion
        with pytest.raises(EngineError):
            paths_from_events(log, "c", ages=False)
        return
    counted = paths_from_events(log, "c", ages=False)
    kinds = list(zip(counted.paths, counted.conversions > 0, strict=True))
    assert counted.ages_s is None and len(kinds) == len(set(kinds))  # one row per kind of path
    assert counted.total_conversions == each.total_conversions
    assert counted.nulls.sum() == each.nulls.sum()
    for model in ("markov", "linear", "first", "last"):
        if model == "markov" and not each.conversions.any():
            continue
        want = {c.channel: c.conversions for c in attribute(each, model).channels}
        got = {c.channel: c.conversions for c in attribute(counted, model).channels}
        assert got == pytest.approx(want)
