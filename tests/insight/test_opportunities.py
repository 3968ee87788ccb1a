"""Opportunities ranked on the Eisenhower matrix from measures: exact ranks on a hand-made map,
its measures and findings; on the matrix view beside the declared ones, escaped."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from parcours.engine.kpis import KpiValue
from parcours.engine.series import Series, SeriesPoint
from parcours.insight.findings import Finding, Insights, Place
from parcours.insight.opportunities import (
    RankedOpportunity,
    last_day,
    rank_opportunities,
)
from parcours.insight.pain_points import proposal_id
from parcours.insight.worsening import welch, worsening
from parcours.model import Journey
from parcours.model.measures import Measured, Measures
from parcours.render.html import render_html

JOURNEY = Journey.model_validate(
    {
        "id": "shop",
        "name": "Shop",
        "stages": [
            {"id": "s1", "name": "One", "pain_points": [{"id": "p1", "description": "slow"}]},
            {"id": "s2", "name": "Two", "pain_points": [{"id": "p2", "description": "bug"}]},
            {"id": "s3", "name": "Three"},
        ],
        "opportunities": [
            {"id": "o1", "title": "Faster pages", "addresses": ["p1"]},
            {"id": "o2", "title": "Fix the form", "addresses": ["p2"], "importance": 2},
        ],
    }
)
MEASURES = Measures(
    stages={
        "s1": Measured(customers=100, drop_off=0.2),  # 20 customers lost
        "s2": Measured(customers=80, drop_off=0.5),  # 40 lost
    }
)


def _finding(kind: str, stage: str, cost: float, end: date | None, text: str) -> Finding:
    return Finding(
        kind=kind,
        where=Place(stage=stage),
        start=None if end is None else date(2026, 3, 20),
        end=end,
        segment=None,
        cost=cost,
        summary={"en": text, "fr": text},
    )


INCIDENT = _finding("incident", "s2", 30, date(2026, 3, 28), "Payment <i>down</i>")
DRIVER = _finding("failure_driver", "s1", 10, None, "Coupon errors")
DRIFT = _finding("drift", "s3", 99, None, "Unclaimed events")
KPIS = [
    {"where": "stages.s2", "met": False},
    {"where": "stages.s1.touchpoints.t", "met": True},
    {"where": "stages.s3", "met": None},
]


@pytest.fixture(scope="module")
def ranked() -> tuple[RankedOpportunity, ...]:
    found = Insights((INCIDENT, DRIVER, DRIFT)).findings
    return rank_opportunities(
        JOURNEY, MEASURES, findings=found, kpis=KPIS, as_of=date(2026, 3, 31)
    ).items


def test_importance_from_customers_lost_and_kpi_gap_urgency_from_recency(
    ranked: tuple[RankedOpportunity, ...],
) -> None:
    got = {o.id: (o.importance, o.urgency, o.quadrant.value, o.cost) for o in ranked}
    assert got == {
        "o2": (5, 5, "do", 40.0),  # 1 + 4 x 40/40, + 1 missed KPI (capped); incident 3 d ago
        proposal_id(INCIDENT): (5, 5, "do", 30.0),  # 1 + round(3), + 1 missed KPI
        "o1": (3, 1, "plan", 20.0),  # 1 + round(2); only an undated finding, no KPI missed
        proposal_id(DRIVER): (2, 1, "drop", 10.0),  # 1 + round(1)
    }
    assert [o.id for o in ranked] == ["o2", proposal_id(INCIDENT), "o1", proposal_id(DRIVER)]
    o2 = ranked[0]
    assert (o2.origin, o2.stages, o2.kpis_missed, o2.recency_days) == ("designed", ("s2",), 1, 3)
    assert o2.findings == (proposal_id(INCIDENT),)
    assert o2.reason["en"] == (
        "40 customers lost, 1 KPI(s) missing their target, last seen 3 d before the end of the data"
    )
    assert RankedOpportunity.from_dict(o2.to_dict()) == o2


def test_urgency_falls_with_time_and_nothing_measured_ranks_low() -> None:
    def urgency(days: int) -> int:
        end = date(2026, 3, 31)
        old = _finding("incident", "s3", 5, date.fromordinal(end.toordinal() - days), "x")
        bare = Journey(id="j", name="J")
        (item,) = rank_opportunities(bare, Measures(), findings=[old], as_of=end).items
        return item.urgency

    assert [urgency(d) for d in (0, 7, 8, 30, 31, 90, 91)] == [5, 5, 4, 4, 3, 3, 2]
    bare = rank_opportunities(JOURNEY, Measures()).items
    assert {(o.id, o.importance, o.urgency) for o in bare} == {("o1", 1, 1), ("o2", 1, 1)}
    assert last_day("2026-01-07 → 2026-06-23") == date(2026, 6, 23) and last_day(None) is None


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_matrix_shows_ranked_beside_declared(
    ranked: tuple[RankedOpportunity, ...], lang: str
) -> None:
    page = render_html(JOURNEY, "matrix", opportunities=ranked, lang=lang)
    do = page.split('<section class="quadrant q-do"')[1].split("</section>")[0]
    assert 'data-opportunity="o2" data-origin="designed"' in do
    assert f'data-opportunity="{proposal_id(INCIDENT)}" data-origin="finding"' in do
    assert "Payment &lt;i&gt;down&lt;/i&gt;" in do and "<i>down</i>" not in page
    drop = page.split('<section class="quadrant q-drop"')[1].split("</section>")[0]
    assert proposal_id(DRIVER) in drop
    assert page.count('class="card opportunity measured-opportunity"') == 4
    assert page.count('class="card opportunity"') == 2  # the declared ones, still there
    assert ("Classées d'après les mesures" if lang == "fr" else "Ranked from the measures") in (
        page.replace("&#39;", "'")
    )


def _weekly(where: str, measure: str, kind: str, values: list[float], n: int = 100) -> Series:
    starts = [date(2026, 1, 5) + timedelta(weeks=i) for i in range(len(values))]
    points = tuple(SeriesPoint(s, KpiValue(v, n)) for s, v in zip(starts, values, strict=True))
    return Series(where, measure, kind, "week", points)


#: Conversion at s1 over eight weeks: 50 % on average, then 40 % the last four.
FALLING = _weekly(
    "stages.s1", "conversion", "conversion", [0.5, 0.52, 0.48, 0.5, 0.4, 0.42, 0.38, 0.4]
)


def test_a_worsening_trend_raises_urgency_and_is_the_reason() -> None:
    (found,) = worsening(JOURNEY, [FALLING])["s1"]
    assert (found.stage, found.touchpoint, found.measure) == ("s1", None, "conversion")
    assert (found.before, found.after) == pytest.approx((0.5, 0.4))
    # Welch: both windows have variance 0.0008 / 3, t = 0.1 / sqrt(2 x 0.0008 / 12) = 8.66, 6 df
    assert found.p_value == pytest.approx(2 * stats.t.sf(0.1 / (2 * 0.0008 / 12) ** 0.5, 6))
    ranked = {o.id: o for o in rank_opportunities(JOURNEY, MEASURES, series=[FALLING]).items}
    before = {o.id: o for o in rank_opportunities(JOURNEY, MEASURES).items}
    assert (before["o1"].urgency, ranked["o1"].urgency) == (1, 2)  # p1 is at s1
    assert ranked["o2"].urgency == before["o2"].urgency == 1  # s2 does not worsen
    assert (
        ranked["o1"].reason["en"].endswith(", worsening: conversion at stage “One” 50.0% → 40.0%")
    )
    assert (
        ranked["o1"]
        .reason["fr"]
        .endswith(", en dégradation : conversion à l'étape « One » 50,0 % → 40,0 %")
    )
    assert ranked["o1"].trend[0]["measure"] == "conversion"
    assert RankedOpportunity.from_dict(ranked["o1"].to_dict()) == ranked["o1"]


def test_a_lower_is_better_kpi_worsens_when_it_rises() -> None:
    journey = Journey.model_validate(
        {
            "id": "j",
            "name": "J",
            "stages": [
                {
                    "id": "a",
                    "name": "A",
                    "kpis": [
                        {
                            "id": "wait",
                            "kind": "waiting_time",
                            "name": {"en": "Wait", "fr": "Attente"},
                        }
                    ],
                },
            ],
        }
    )
    rising = _weekly("stages.a", "wait", "waiting_time", [60, 62, 58, 60, 90, 88, 92, 90])
    (found,) = worsening(journey, [rising])["a"]
    assert (found.before, found.after) == pytest.approx((60, 90))
    assert found.text(journey, "fr") == "Attente à l'étape « A » 60 → 90"
    assert found.text(journey, "en") == "Wait at stage “A” 60 → 90"
    falling = _weekly("stages.a", "wait", "waiting_time", [90, 88, 92, 90, 60, 62, 58, 60])
    assert worsening(journey, [falling]) == {}


@settings(max_examples=60, deadline=None)
@given(
    level=st.floats(0.01, 0.99),
    n=st.integers(1, 10_000),
    gains=st.lists(st.floats(0, 0.5), min_size=8, max_size=20),
)
def test_no_worsening_from_a_steady_or_improving_series(
    level: float, n: int, gains: list[float]
) -> None:
    steady = _weekly("stages.s1", "conversion", "conversion", [level] * len(gains), n)
    assert worsening(JOURNEY, [steady]) == {}
    # each period at least as good as every earlier one: never a worsening
    rising = [min(1.0, level + sum(gains[: i + 1])) for i in range(len(gains))]
    assert worsening(JOURNEY, [_weekly("stages.s1", "conversion", "conversion", rising, n)]) == {}
    # a constant added to every value of a steady series does not make a trend
    shifted = [min(1.0, level + 0.1)] * len(gains)
    assert worsening(JOURNEY, [_weekly("stages.s1", "conversion", "conversion", shifted, n)]) == {}


def test_too_short_a_series_is_not_judged() -> None:
    assert (
        worsening(
            JOURNEY, [_weekly("stages.s1", "conversion", "conversion", [0.5] * 3 + [0.1] * 4)]
        )
        == {}
    )


@settings(max_examples=60, deadline=None)
@given(
    first=st.lists(st.integers(-1000, 1000), min_size=2, max_size=10, unique=True),
    second=st.lists(st.integers(-1000, 1000), min_size=2, max_size=10, unique=True),
)
def test_welch_is_scipys_welch_test(first: list[int], second: list[int]) -> None:
    a, b = np.array(first, dtype=float) / 100, np.array(second, dtype=float) / 100
    expected = stats.ttest_ind(a, b, equal_var=False).pvalue
    assert welch(a, b) == pytest.approx(expected, abs=1e-9)
