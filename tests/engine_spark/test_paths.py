"""Paths and Sankey flows on Spark equal those on DuckDB."""

from __future__ import annotations

import pytest

from parcours.engine import flows, paths

from .conftest import SPARK, same

pytestmark = SPARK


def test_paths(duck, sparklog):
    want = paths(duck, top_variants=20)
    got = paths(sparklog, top_variants=20)
    same(got.to_dict(), want.to_dict())
    assert want.cases > 5000 and want.self_loops


@pytest.mark.parametrize("direction", ["after", "before"])
def test_flows(duck, sparklog, direction):
    want = flows(duck, "product_view", steps=3, direction=direction)
    got = flows(sparklog, "product_view", steps=3, direction=direction)
    same(got.to_dict(), want.to_dict())
    assert want.customers > 0
