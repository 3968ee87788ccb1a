"""Funnels on Spark equal funnels on DuckDB: every order, windows, exclusions, breakdowns and
step predicates (matchers compiled for each engine's SQL)."""

from __future__ import annotations

import pyarrow as pa
import pytest

from parcours.engine import EventLog, Exclusion, Step, funnel
from parcours.engine.binding import compile_matcher, stage_predicate
from parcours.engine.spark.frames import collect
from parcours.model import Condition, EventMatcher
from parcours.samples import load_sample

from .conftest import SAMPLE, SPARK, same

pytestmark = SPARK

STEPS = ["social_post_view", "inspiration_page_view", "ar_view", "store_visit", "store_purchase"]

CASES = {
    "ordered": {},
    "strict": {"order": "strict"},
    "unordered": {"order": "unordered"},
    "window-2h": {"window": "2h"},
    "exclusion": {"exclusions": [Exclusion("call_centre_call", 1, 3)]},
    "strict-exclusion": {"order": "strict", "exclusions": [Exclusion("email_opened")]},
    "breakdown-channel": {"breakdown": "channel"},
    "unordered-breakdown-property": {"order": "unordered", "breakdown": "campaign"},
}


@pytest.mark.parametrize("options", CASES.values(), ids=CASES.keys())
def test_funnel(duck, sparklog, options):
    want = funnel(duck, STEPS, **options)
    got = funnel(sparklog, STEPS, **options)
    same(got.to_dict(), want.to_dict())
    assert want.counts[1] > 0  # the case says something


def test_repeated_and_any_steps(duck, sparklog):
    steps = ["inspiration_page_view", "*", "inspiration_page_view", "product_view"]
    for order in ("ordered", "unordered"):
        same(
            funnel(sparklog, steps, order=order).to_dict(),
            funnel(duck, steps, order=order).to_dict(),
        )


def test_stage_funnel_with_compiled_matchers(duck, sparklog):
    journey = load_sample(SAMPLE)

    def stages(dialect):
        return [
            Step("*", where=stage_predicate(journey, s.id, dialect), name=s.id)
            for s in journey.stages
        ]

    want = funnel(duck, stages("duckdb"), window="30d")
    got = funnel(sparklog, stages("spark"), window="30d")
    same(got.to_dict(), want.to_dict())
    assert want.counts[-1] > 0


MATCHERS = [
    EventMatcher(
        events=("call_*",), where=(Condition(property="waiting_seconds", op="gt", value=120),)
    ),
    EventMatcher(where=(Condition(property="reason", op="in", value=("product_info", "x'y")),)),
    EventMatcher(where=(Condition(property="campaign", op="glob", value="coll*ion[!z]"),)),
    EventMatcher(where=(Condition(property="campaign", op="contains", value="ion_"),)),
    EventMatcher(where=(Condition(property="template", op="exists"),)),
    EventMatcher(
        channels=("call_centre", "sms"),
        where=(Condition(property="reason", op="ne", value="delivery_info"),),
    ),
    EventMatcher(where=(Condition(property="waiting_seconds", op="lte", value="200"),)),
    EventMatcher(
        events=("?mail_*",), where=(Condition(property="campaign", op="not_in", value=("a",)),)
    ),
]


def test_step_predicates_match_the_same_events(duck, sparklog):
    want, got = matches(duck, sparklog, MATCHERS)
    assert got == want
    assert [i for i in range(len(MATCHERS)) if not any(want[f"m{i}"])] == []


def test_predicates_on_nested_odd_and_quoted_keys(spark):
    from parcours.engine.spark import SparkEventLog

    properties = [
        '{"a": {"b": "x"}, "odd key": "y", "n": 1.5, "q": "it\'s", "p": "a\\\\b"}',
        '{"a": {"b": "z"}, "n": "high", "q": "its"}',
        None,
    ]
    table = pa.table(
        {
            "customer_id": ["c1", "c1", "c2"],
            "timestamp": pa.array([0, 1, 2], pa.timestamp("us")),
            "event": ["pay.ok", "pay_ok", "pay[1]"],
            "properties": properties,
        }
    )
    matchers = [
        EventMatcher(where=(Condition(property="a.b", op="eq", value="x"),)),
        EventMatcher(where=(Condition(property="odd key", op="exists"),)),
        EventMatcher(where=(Condition(property="n", op="gte", value=1.5),)),
        EventMatcher(where=(Condition(property="q", op="eq", value="it's"),)),
        EventMatcher(where=(Condition(property="p", op="eq", value="a\\b"),)),
        EventMatcher(events=("pay.*",)),
        EventMatcher(events=("pay[[]*",)),
        EventMatcher(events=("pay?ok",)),
    ]
    want, got = matches(
        EventLog.from_arrow(table), SparkEventLog.from_arrow(table, spark), matchers
    )
    assert got == want
    assert [want[f"m{i}"] for i in range(len(matchers))] == [
        [True, False, False],
        [True, False, False],
        [True, False, False],
        [True, False, False],
        [True, False, False],
        [True, False, False],
        [False, False, True],
        [True, True, False],
    ]


def matches(duck, sparklog, matchers):
    """Per event (by event_seq), whether it satisfies each matcher, on each engine."""

    def run(dialect):
        columns = ", ".join(
            f"coalesce({compile_matcher(m, dialect)}, false) AS m{i}"
            for i, m in enumerate(matchers)
        )
        sql = f"SELECT event_seq, {columns} FROM {{events}}"
        rows = duck.arrow(sql) if dialect == "duckdb" else collect(sparklog.sql(sql))
        return rows.sort_by("event_seq").to_pydict()

    return run("duckdb"), run("spark")


def test_breakdown_by_customer_table(duck, sparklog, events):
    customers = events.group_by("customer_id").aggregate([]).to_pandas()
    customers["tier"] = [("gold", "silver", None)[hash(c) % 3] for c in customers["customer_id"]]
    duck.connection.register("customers_tiers", customers)
    sparklog.session.createDataFrame(customers).createOrReplaceTempView("customers_tiers")
    options = {"breakdown": "tier", "customers": "customers_tiers"}
    same(funnel(sparklog, STEPS, **options).to_dict(), funnel(duck, STEPS, **options).to_dict())


def test_plain_sql_where(duck, sparklog):
    steps = [Step("inspiration_page_view", where="channel = 'web'"), "ar_view"]
    same(funnel(sparklog, steps).to_dict(), funnel(duck, steps).to_dict())
