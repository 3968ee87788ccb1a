"""Attribution from events on Spark equals attribution from events on DuckDB."""

from __future__ import annotations

import numpy as np
import pytest

from parcours.engine import attribute, paths_from_events
from parcours.errors import EngineError

from .conftest import SPARK, same

pytestmark = SPARK


@pytest.fixture(scope="module")
def both(duck, sparklog):
    return (
        paths_from_events(duck, "store_purchase"),
        paths_from_events(sparklog, "store_purchase"),
    )


def test_paths_from_events(both):
    want, got = both
    assert got.paths == want.paths
    for name in ("conversions", "value", "nulls"):
        np.testing.assert_array_equal(getattr(got, name), getattr(want, name))
    assert got.ages_s == want.ages_s
    assert want.total_conversions > 100


@pytest.mark.parametrize(
    ("model", "order"),
    [
        ("first", 1),
        ("last", 1),
        ("linear", 1),
        ("time-decay", 1),
        ("position", 1),
        ("markov", 1),
        ("markov", 2),
    ],
)
def test_models(both, model, order):
    want, got = both
    same(
        attribute(got, model, order=order).to_dict(), attribute(want, model, order=order).to_dict()
    )


def test_conversion_value_from_properties(duck, sparklog):
    want = paths_from_events(duck, "call_centre_call", value="waiting_seconds")
    got = paths_from_events(sparklog, "call_centre_call", value="waiting_seconds")
    np.testing.assert_array_equal(got.value, want.value)
    assert want.total_value > 0
    same(attribute(got, "linear").to_dict(), attribute(want, "linear").to_dict())


def test_unknown_channel_column_is_an_engine_error(sparklog):
    with pytest.raises(EngineError, match="Spark query on the event log failed"):
        paths_from_events(sparklog, "store_purchase", channel="no_such_column")
