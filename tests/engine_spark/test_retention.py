"""Retention cohorts and lifecycle on Spark equal those on DuckDB."""

from __future__ import annotations

import pytest

from parcours.engine.retention import lifecycle, retention

from .conftest import SPARK

pytestmark = SPARK


@pytest.mark.parametrize("period", ["day", "week", "month"])
@pytest.mark.parametrize("kind", ["first_time", "recurring"])
def test_retention(duck, sparklog, period, kind):
    options = {"period": period, "kind": kind, "offsets": 6}
    want = retention(duck, **options)
    got = retention(sparklog, **options)
    assert got.cells == want.cells
    assert sum(want.cohorts.values()) > 0


def test_retention_with_named_events(duck, sparklog):
    options = {"period": "week", "start_event": "product_view", "return_event": ["order_completed"]}
    want = retention(duck, **options)
    assert want.cohorts and any(c.retained for c in want.cells if c.offset)
    assert retention(sparklog, **options).cells == want.cells


@pytest.mark.parametrize("period", ["day", "week", "month"])
def test_lifecycle(duck, sparklog, period):
    want = lifecycle(duck, period=period)
    assert lifecycle(sparklog, period=period).periods == want.periods
    assert any(p.dormant for p in want.periods)
