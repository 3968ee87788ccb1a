"""Binding and stage durations on Spark equal those on DuckDB."""

from __future__ import annotations

from dataclasses import asdict

from parcours.engine.binding import bind
from parcours.engine.timing import journey_timing
from parcours.samples import load_sample

from .conftest import SAMPLE, SPARK, same

pytestmark = SPARK


def test_bind_claims_the_same_events(duck, sparklog):
    journey = load_sample(SAMPLE)
    (_, want), (_, got) = bind(duck, journey), bind(sparklog, journey)
    assert got.to_dict() == want.to_dict()
    assert want.bound > 0 and want.per_touchpoint


def test_stage_durations(duck, sparklog):
    journey = load_sample(SAMPLE)
    want = journey_timing(duck, journey)
    got = journey_timing(sparklog, journey)
    same(asdict(got), asdict(want))
    assert want.customers > 0 and any(t.stats.count for t in want.transitions)
