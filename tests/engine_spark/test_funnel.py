"""Funnels on Spark equal funnels on DuckDB: every order, windows, exclusions, breakdowns and
step predicates (matchers compiled for each engine's SQL)."""

from __future__ import annotations

import pytest

from parcours.engine import Exclusion, Step, funnel
from parcours.engine.binding import compile_matcher, stage_predicate
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
    "window-30d": {"window": "30d"},
    "exclusion": {"exclusions": [Exclusion("call_centre_call", 1, 3)]},
    "strict-exclusion": {"order": "strict", "exclusions": [Exclusion("email_opened")]},
    "breakdown-channel": {"breakdown": "channel"},
    "breakdown-property": {"breakdown": "campaign"},
    "unordered-breakdown": {"order": "unordered", "breakdown": "channel"},
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
    EventMatcher(where=(Condition(property="campaign", op="glob", value="collection_[!z]*"),)),
    EventMatcher(where=(Condition(property="campaign", op="contains", value="ion_"),)),
    EventMatcher(where=(Condition(property="platform", op="exists"),)),
    EventMatcher(
        channels=("web", "app"),
        where=(Condition(property="reason", op="ne", value="product_info"),),
    ),
    EventMatcher(where=(Condition(property="waiting_seconds", op="lte", value="200"),)),
    EventMatcher(
        events=("?mail_*",), where=(Condition(property="campaign", op="not_in", value=("a",)),)
    ),
]


@pytest.mark.parametrize("matcher", MATCHERS, ids=range(len(MATCHERS)))
def test_step_predicates(duck, sparklog, matcher):
    def steps(dialect):
        return ["inspiration_page_view", Step("*", where=compile_matcher(matcher, dialect))]

    want = funnel(duck, steps("duckdb"), window="30d")
    got = funnel(sparklog, steps("spark"), window="30d")
    same(got.to_dict(), want.to_dict())


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
