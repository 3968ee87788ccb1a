"""The purchase summary behind the lifetime-value models on Spark equals that on DuckDB."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from parcours.engine.customers.summary import customer_summary

from .conftest import SPARK

pytestmark = SPARK


@pytest.mark.parametrize("unit", ["day", "week"])
def test_customer_summary(duck, sparklog, unit):
    options = {"event": "call_centre_call", "value": "waiting_seconds", "unit": unit}
    want = customer_summary(duck, **options)
    got = customer_summary(sparklog, **options)
    assert len(want) > 100 and want.frequency.sum() > 0
    assert got.customer_id == want.customer_id
    assert got.calibration_end == want.calibration_end
    for name in ("frequency", "recency", "T", "monetary_value", "holdout"):
        np.testing.assert_allclose(getattr(got, name), getattr(want, name), rtol=1e-12)
    assert want.calibration_end is not None
    end = want.calibration_end - dt.timedelta(days=60)  # a holdout
    early = customer_summary(duck, **options, calibration_end=end)
    late = customer_summary(sparklog, **options, calibration_end=end)
    assert early.holdout is not None and early.holdout.sum() > 0
    assert late.customer_id == early.customer_id
    np.testing.assert_allclose(late.holdout, early.holdout)
    np.testing.assert_allclose(late.T, early.T)


def test_journey_features(duck, sparklog):
    import pandas as pd

    from parcours.engine.customers.clusters import journey_features

    options = {"event": "call_centre_call", "value": "waiting_seconds"}
    want = journey_features(duck, **options)
    got = journey_features(sparklog, **options)
    assert len(want) > 1000 and want["channels"].max() > 1
    pd.testing.assert_frame_equal(got, want, rtol=1e-9)


def test_lead_scores(duck, sparklog):
    import pandas as pd

    from parcours.engine.customers.scoring import score_leads
    from parcours.engine.customers.scoring_rules import parse_rules

    rules = parse_rules(
        {
            "half_life": 30,
            "thresholds": {"mql": 5, "sql": 15},
            "groups": {"calls": 4},
            "rules": [
                {"name": "call", "event": "call_centre_call", "points": 3, "group": "calls"},
                {"name": "any", "event": "*", "points": 1, "once": True},
                {"name": "app", "kind": "fit", "channel": "app", "points": 10},
            ],
        },
        "spark",
    )
    want = score_leads(duck, rules)
    got = score_leads(sparklog, rules)
    assert len(want.frame) > 1000 and want.frame["score"].gt(0).any()
    pd.testing.assert_frame_equal(got.frame, want.frame, rtol=1e-9)
    pd.testing.assert_frame_equal(got.points, want.points, rtol=1e-9)


def test_persona_cards_and_a_segment_measured_alike(spark):
    import duckdb
    import pyarrow as pa
    from tests.insight.test_personas import JOURNEY, hand_made_tables

    from parcours.engine import EventLog
    from parcours.engine.filter import Filter
    from parcours.engine.spark import SparkEventLog
    from parcours.engine.spark.frames import frame_of
    from parcours.insight.measure import measure
    from parcours.insight.personas import segment_cards

    tables = hand_made_tables()
    con = duckdb.connect()
    for name, frame in tables.items():
        con.register(f"{name}_frame", frame)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_frame")
    duck = EventLog(con, "events", tables={"segments": "segments", "feedback": "feedback"})
    arrow = {k: pa.Table.from_pandas(v, preserve_index=False) for k, v in tables.items()}
    on_spark = SparkEventLog(
        frame_of(arrow["events"], spark),
        {k: frame_of(arrow[k], spark) for k in ("segments", "feedback")},
    )
    assert segment_cards(on_spark, JOURNEY) == segment_cards(duck, JOURNEY)
    one = Filter(member_of="c2")
    want = measure(duck, JOURNEY, where=one).measures
    assert measure(on_spark, JOURNEY, where=one).measures == want
    assert want.stages["cart"].customers == 2
