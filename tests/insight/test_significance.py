"""The statistics of the group detectors, against hand-computed values, PostHog's documented
funnel-correlation examples (tests/oracles/correlation) and invariants."""

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from parcours.engine.outcomes import Contrast
from parcours.insight.drivers import failure_drivers, segment_gaps
from parcours.insight.significance import (
    Table,
    adjusted,
    independence,
    odds_interval,
    odds_ratio,
    p_value,
    two_proportions,
)
from parcours.samples import load_sample

JOURNEY = load_sample("sport_subscription")
CASES = Path(__file__).parents[1] / "oracles" / "correlation" / "posthog_correlation_cases.json"


@pytest.mark.parametrize("case", json.loads(CASES.read_text()), ids=lambda c: c["event"])
def test_the_odds_ratio_is_posthogs_on_their_documented_examples(case: dict) -> None:
    table = Table(
        case["success_count"], case["failure_count"], case["success_total"], case["failure_total"]
    )
    assert odds_ratio(table) == pytest.approx(case["odds_ratio"])


def test_a_hand_computed_table() -> None:
    # 40 of 100 customers had the event: 10 moved on, 30 did not; of all 300, 150 moved on
    table = Table(10, 30, 150, 150)
    assert table.cells == (10, 30, 140, 120)
    assert odds_ratio(table) == pytest.approx(11 * 121 / (141 * 31))
    low, high = odds_interval(table)
    spread = 1.959963984540054 * math.sqrt(1 / 11 + 1 / 31 + 1 / 141 + 1 / 121)
    assert math.log(low) == pytest.approx(math.log(11 * 121 / (141 * 31)) - spread)
    assert math.log(high) == pytest.approx(math.log(11 * 121 / (141 * 31)) + spread)
    # large cells: Pearson's chi-square, 1 degree of freedom, by hand
    a, b, c, d = 10, 30, 140, 120
    n = a + b + c + d
    chi2 = n * (a * d - b * c) ** 2 / ((a + b) * (c + d) * (a + c) * (b + d))
    assert p_value(table) == pytest.approx(stats.chi2.sf(chi2, 1))
    # a small cell: Fisher's exact test
    assert p_value(Table(1, 4, 10, 5)) == pytest.approx(stats.fisher_exact([[1, 4], [9, 1]]).pvalue)


def test_two_proportions_and_benjamini_hochberg_by_hand() -> None:
    gap = two_proportions(60, 100, 40, 100)
    assert gap.difference == pytest.approx(0.2)
    assert gap.high - gap.difference == pytest.approx(1.959963984540054 * math.sqrt(0.0048))
    z = 0.2 / math.sqrt(0.5 * 0.5 * 0.02)
    assert gap.p_value == pytest.approx(2 * stats.norm.sf(z))
    # BH by hand: p sorted 0.01, 0.02, 0.03, 0.5 -> 0.01*4/1, 0.02*4/2, 0.03*4/3, 0.5
    assert adjusted([0.03, 0.5, 0.01, 0.02]) == pytest.approx([0.04, 0.5, 0.04, 0.04])
    assert independence([[10, 10], [0, 0]]) == 1.0


@given(
    st.integers(0, 400),
    st.integers(0, 400),
    st.integers(1, 400),
    st.integers(1, 400),
    st.integers(1, 1000),
)
def test_scaling_every_count_keeps_an_even_table_even(
    a: int, b: int, c: int, d: int, k: int
) -> None:
    # a trait spread as the stage is (the same share of movers and droppers) never stands out
    table = Table(a * k * c, a * k * d, (a + b) * k * c, (a + b) * k * d)
    if a and b:
        assert p_value(table) > 0.99
    assert odds_ratio(table, prior=0) == pytest.approx(1.0) if a and b else True


@settings(deadline=None)
@given(st.integers(50, 5000), st.integers(1, 1000))
def test_adding_a_constant_to_every_count_of_an_even_stage_finds_nothing(
    n: int, extra: int
) -> None:
    journey = JOURNEY
    totals = {"achat": (2 * n + 2 * extra, n + extra)}
    even = [
        Contrast("achat", "event", "x", n + extra, (n + extra) // 2),
        Contrast("achat", "customer.persona", "a", n + extra, (n + extra) // 2),
        Contrast("achat", "customer.persona", "b", n + extra, (n + extra) - (n + extra) // 2),
    ]
    assert failure_drivers(journey, totals, even) == []
    assert segment_gaps(journey, totals, even) == []


def test_a_failure_driver_by_hand() -> None:
    journey = load_sample("sport_subscription")
    totals = {"achat": (1000, 400)}  # 400 of 1000 reach the next stage
    found = failure_drivers(
        journey,
        totals,
        [
            Contrast("achat", "event", "app_installed", 200, 20),
            Contrast("achat", "event", "x", 500, 200),
        ],
    )
    assert len(found) == 1
    (f,) = found
    assert f.kind == "failure_driver" and f.segment == {"event": "app_installed"}
    assert f.evidence["with"] == {"moved": 20, "dropped": 180, "conversion": 0.1}
    assert f.evidence["without"] == {"moved": 380, "dropped": 420, "conversion": 0.475}
    assert f.evidence["odds_ratio"] == pytest.approx(21 * 421 / (381 * 181), abs=1e-6)
    assert f.cost == pytest.approx((0.475 - 0.1) * 200)
    assert "app_installed" in f.summary["fr"] and "app_installed" in f.summary["en"]
    assert np.isfinite(f.evidence["q_value"])


def returns_rows(days: int, per_day: dict[str, tuple[int, int]], loop: range, extra: int):
    """60 days of a touchpoint's customers per channel (customers, returned), ``extra`` more
    web customers returning on the days of ``loop``."""
    from datetime import date, timedelta

    from parcours.engine.returns import Returns

    start = date(2026, 1, 5)
    rows = []
    for d in range(days):
        for channel, (n, k) in per_day.items():
            more = extra if channel == "web" and d in loop else 0
            rows.append(
                Returns(
                    "touchpoint", "page-paiement", start + timedelta(d), channel, n, k + more, 0
                )
            )
    return rows, [start + timedelta(d) for d in range(days)]


def test_a_loop_by_hand() -> None:
    from datetime import date

    from parcours.insight.loops import loops

    rows, starts = returns_rows(60, {"app": (60, 1), "web": (40, 0)}, range(20, 34), 20)
    (loop,) = loops(JOURNEY, rows, "day", starts)
    assert (loop.start, loop.end) == (date(2026, 1, 25), date(2026, 2, 7))
    assert loop.segment == {"channel": "web"}
    # baseline: 1 of 100 a day; during the 14 days: 21 of 100
    assert loop.evidence["baseline"] == pytest.approx(0.01)
    assert loop.evidence["observed"] == pytest.approx(0.21)
    assert loop.cost == pytest.approx(0.2 * 1400)
    web = next(c for c in loop.evidence["channels"] if c["channel"] == "web")
    assert web["lost"] == pytest.approx(round((0.5 - 0.005) * 560, 1))


@settings(deadline=None)
@given(st.integers(20, 500), st.integers(0, 10), st.integers(0, 300))
def test_a_steady_share_of_returns_plus_a_constant_is_no_loop(n: int, k: int, extra: int) -> None:
    from parcours.insight.loops import loops

    rows, starts = returns_rows(60, {"app": (n + extra, min(k, n) + extra)}, range(0), 0)
    assert loops(JOURNEY, rows, "day", starts) == []


def test_the_trend_test_by_hand() -> None:
    from parcours.insight.significance import trend

    # scores -1, 0, 1; 100 answers each; 10, 20, 30 converted
    scores, n, k = [-1.0, 0.0, 1.0], [100, 100, 100], [10, 20, 30]
    p = 0.2
    statistic = (10 * -1 + 30 * 1) / math.sqrt(p * (1 - p) * 200)
    assert trend(scores, n, k) == pytest.approx(2 * stats.norm.sf(statistic))
    assert trend(scores, n, [20, 20, 20]) == pytest.approx(1.0)
    assert trend([0.0, 0.0], [10, 10], [1, 5]) == 1.0  # one score: no trend to test


def test_a_segment_gap_by_hand() -> None:
    totals = {"achat": (1000, 500)}
    values = [
        Contrast("achat", "customer.persona", "a", 600, 360),  # 60 % move on
        Contrast("achat", "customer.persona", "b", 400, 140),  # 35 %
    ]
    (gap,) = segment_gaps(JOURNEY, totals, values)
    assert gap.kind == "segment_gap" and gap.segment == {"persona": "b"}
    assert gap.evidence["conversion"] == pytest.approx(0.35)
    assert gap.evidence["others"] == pytest.approx(0.6)
    assert gap.evidence["difference"] == pytest.approx(-0.25)
    assert gap.cost == pytest.approx(0.25 * 400)
    chi2 = stats.chi2_contingency([[360, 240], [140, 260]], correction=False)
    assert gap.evidence["p_independence"] == pytest.approx(chi2.pvalue)
    # one cohort: Cochran-Mantel-Haenszel, its variance hypergeometric (N - 1)
    excess = 140 - 400 * 500 / 1000
    variance = 400 * 600 * 500 * 500 / (1000**2 * 999)
    assert gap.evidence["p_value"] == pytest.approx(stats.chi2.sf(excess**2 / variance, 1))
    assert gap.evidence["adjusted_difference"] == pytest.approx(-0.25)
    assert "persona = b" in gap.summary["en"]


def test_a_segment_mix_shifting_over_the_months_is_no_gap() -> None:
    from datetime import date

    jan, feb = date(2026, 1, 1), date(2026, 2, 1)
    values = [  # each month b converts as a does; b's customers mostly came in February
        Contrast("achat", "customer.persona", "a", 100, 80, None, jan),
        Contrast("achat", "customer.persona", "b", 20, 16, None, jan),
        Contrast("achat", "customer.persona", "a", 20, 4, None, feb),
        Contrast("achat", "customer.persona", "b", 100, 20, None, feb),
    ]
    totals = {"achat": (240, 120)}
    assert segment_gaps(JOURNEY, totals, values) == []  # crude: 70 % against 30 %
    # the same counts in one cohort are a gap
    pooled = [Contrast("achat", "customer.persona", v, 120, m) for v, m in (("a", 84), ("b", 36))]
    (gap,) = segment_gaps(JOURNEY, totals, pooled)
    assert gap.segment == {"persona": "b"}


def test_a_moment_of_truth_by_hand() -> None:
    from parcours.engine.outcomes import RatedOutcome
    from parcours.insight.moments import moments_of_truth

    rated = [
        RatedOutcome("page-offres", "review", 1.0, 100, 10),  # emotion -2: bad, 10 % convert
        RatedOutcome("page-offres", "review", 5.0, 200, 80),  # emotion +2: 40 %
        RatedOutcome("service-client-telephone", "csat", 1.0, 500, 0),  # after the purchase
    ]
    findings, judged = moments_of_truth(JOURNEY, rated)
    (moment,) = findings
    assert (moment.where.stage, moment.where.touchpoint) == ("evaluation", "page-offres")
    assert moment.evidence["lift"] == pytest.approx(0.3)
    assert moment.cost == pytest.approx(0.3 * 100)
    assert moment.evidence["declared"] is False
    # with two levels, Cochran-Armitage's trend test is the two-proportion z-test
    z = 0.3 / math.sqrt(0.3 * 0.7 * (1 / 100 + 1 / 200))
    assert moment.evidence["q_value"] == pytest.approx(2 * stats.norm.sf(z))
    rows = {m.touchpoint: m for m in judged}
    assert rows["page-paiement"].declared and not rows["page-paiement"].decisive
    assert "service-client-telephone" not in rows  # after the stage where customers convert
