"""Control limits, change scans and the incident detectors on hand-made series."""

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parcours.engine.kpis import KpiValue, share_of
from parcours.engine.series import Series, SeriesPoint
from parcours.insight.control import count_baseline, p_chart, scan
from parcours.insight.incidents import count_incidents, rate_incidents
from parcours.insight.journey_incidents import completion, known
from parcours.model.vocabulary import KpiPeriod

START = date(2026, 3, 2)  # a Monday


def rate_series(kept: list[int], n: list[int]) -> Series:
    points = tuple(
        SeriesPoint(START + timedelta(days=i), share_of(k, m))
        for i, (k, m) in enumerate(zip(kept, n, strict=True))
    )
    return Series("stages.achat", "conversion", "conversion", "day", points)


def count_series(counts: list[int]) -> Series:
    points = tuple(
        SeriesPoint(START + timedelta(days=i), KpiValue(float(c), c)) for i, c in enumerate(counts)
    )
    return Series("stages.achat", "customers", "count", "day", points)


def test_p_chart_limits_follow_each_period_volume() -> None:
    # rates .10, .20, .15; each centre is the median of the two other rates
    chart = p_chart([10, 20, 30], [100, 100, 200])
    assert chart.center == pytest.approx([0.175, 0.125, 0.15])
    # 0.175 ± 3·sqrt(0.175·0.825/100), 0.125 ± 3·sqrt(0.125·0.875/100), 0.15 ± 3·sqrt(.15·.85/200)
    assert chart.low == pytest.approx([0.06101, 0.025784, 0.074254], abs=1e-6)
    assert chart.high == pytest.approx([0.28899, 0.224216, 0.225746], abs=1e-6)
    assert chart.outside([0.1, 0.2, 0.15]).tolist() == [False, False, False]
    assert chart.outside([0.05, 0.23, 0.15]).tolist() == [True, True, False]


def test_p_chart_leaves_out_periods_without_observations() -> None:
    chart = p_chart([5, 0, 5], [10, 0, 10])
    assert np.isnan(chart.center[1]) and chart.center[0] == 0.5
    assert chart.low[0] == pytest.approx(0.5 - 3 * np.sqrt(0.25 / 10))


def test_scan_finds_the_run_with_its_start_and_end() -> None:
    runs = scan([0, 0, 5, 5, 0, 0, -4, 0], [1] * 8, threshold=3.0)
    assert [(r.start, r.end) for r in runs] == [(2, 4), (6, 7)]
    assert runs[0].score == pytest.approx(10 / np.sqrt(2))
    assert runs[1].score == pytest.approx(-4.0)
    assert scan([0, 0, 5, 5, 0], [1] * 5, threshold=8.0) == []


def test_count_baseline_reads_the_same_weekday() -> None:
    weekly = [100, 100, 100, 100, 100, 150, 150] * 6  # weekends higher
    baseline = count_baseline(weekly, "day")
    assert baseline[5] == 150 and baseline[12] == 150 and baseline[14] == 100


def test_a_rate_drop_is_one_incident_with_its_period() -> None:
    rng = np.random.default_rng(3)
    n = [400] * 60
    p = np.where((np.arange(60) >= 20) & (np.arange(60) < 34), 0.3, 0.5)
    kept = rng.binomial(n, p).tolist()
    found = rate_incidents(rate_series(kept, n))
    assert len(found) == 1
    incident = found[0]
    assert (incident.first_day, incident.last_day) == (START + timedelta(20), START + timedelta(33))
    assert incident.baseline == pytest.approx(0.5, abs=0.02)
    assert incident.observed == pytest.approx(0.3, abs=0.02)
    assert incident.cost == pytest.approx((incident.baseline - incident.observed) * 400 * 14)
    # a rise of a rate where higher is better is no incident; where lower is better it is
    flipped = [m - k for k, m in zip(kept, n, strict=True)]
    assert rate_incidents(rate_series(flipped, n)) == []
    assert len(rate_incidents(rate_series(flipped, n), higher_is_better=False)) == 1


def test_periods_left_out_are_not_judged() -> None:
    n = [400] * 40
    kept = [200] * 30 + [40] * 10  # the last ten periods: customers not yet converted
    assert rate_incidents(rate_series(kept, n))
    judged = np.array([True] * 30 + [False] * 10)
    assert rate_incidents(rate_series(kept, n), counted=judged) == []


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.integers(2, 50))
def test_more_observations_at_the_same_rates_keep_a_true_incident(seed: int, k: int) -> None:
    rng = np.random.default_rng(seed)
    n = rng.integers(150, 300, 50)
    p = np.where((np.arange(50) >= 15) & (np.arange(50) < 25), 0.25, 0.5)
    kept = rng.binomial(n, p)
    found = rate_incidents(rate_series(kept.tolist(), n.tolist()))
    assert found, "the planted drop is found"
    scaled = rate_incidents(rate_series((kept * k).tolist(), (n * k).tolist()))
    assert [(i.start, i.end) for i in scaled][:1] == [(found[0].start, found[0].end)]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), shift=st.integers(1, 100_000))
def test_adding_a_constant_to_every_count_creates_no_finding(seed: int, shift: int) -> None:
    rng = np.random.default_rng(seed)
    counts = rng.poisson(200, 90)
    before = count_incidents(count_series(counts.tolist()))
    after = count_incidents(count_series((counts + shift).tolist()))
    assert len(after) <= len(before)
    assert {(i.start, i.end) for i in after} <= {(i.start, i.end) for i in before}


def test_a_count_dip_with_a_start_and_an_end_is_found() -> None:
    rng = np.random.default_rng(5)
    counts = rng.poisson(300, 120)
    counts[50:57] = rng.poisson(100, 7)
    found = count_incidents(count_series(counts.tolist()))
    assert [(i.start, i.end) for i in found] == [(50, 57)]
    assert found[0].cost == pytest.approx(sum(300 - c for c in counts[50:57]), rel=0.1)
    ramp = list(range(10, 300, 10)) + [300] * 60  # a series that starts: no incident
    assert count_incidents(count_series(ramp)) == []


def test_completion_counts_each_day_against_the_customers_followed_that_long() -> None:
    # one customer converted after 1 day (4 could be followed that long), one after 8 days
    # (3 could): G = 1/4 by day 2, 1/4 + 1/3 by day 9
    shares = completion({1: 1, 8: 1}, {8: 3, 7: 1}, np.array([0, 2, 5, 9, 30]))
    assert shares == pytest.approx([0.0, 0.25 / (0.25 + 1 / 3), 0.25 / (0.25 + 1 / 3), 1.0, 1.0])
    assert completion({}, {3: 1}, np.array([1, 2])).tolist() == [1.0, 1.0]


def test_recent_periods_are_judged_against_what_they_can_show_yet() -> None:
    n = [400] * 40
    done = np.array([1.0] * 30 + [0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.45, 0.3, 0.2, 0.1])
    kept = np.round(0.5 * done * 400).astype(int).tolist()  # a steady 50 %, not all seen yet
    assert rate_incidents(rate_series(kept, n), completion=done) == []
    dropped = kept[:30] + [round(0.25 * d * 400) for d in done[30:]]  # halved in the last days
    found = rate_incidents(rate_series(dropped, n), completion=done)
    assert [(i.start, i.end) for i in found] == [(30, 36)]  # judged while half is seen
    assert found[0].observed == pytest.approx(0.25, abs=0.01)
    abandonment = [m - k for k, m in zip(dropped, n, strict=True)]
    flipped = rate_incidents(
        rate_series(abandonment, n), completion=done, complement=True, higher_is_better=False
    )
    assert [(i.start, i.end) for i in flipped] == [(30, 36)]
    assert flipped[0].observed == pytest.approx(0.75, abs=0.01)


def test_retention_and_churn_points_are_judged_once_their_own_period_has_passed() -> None:
    """A quarterly retention needs three months after a week's customers, not 30 days; a
    weekly churn needs the week after the activity, a monthly one the month after."""
    weeks = [date(2026, 1, 5) + timedelta(weeks=i) for i in range(20)]  # to 2026-05-18
    end = date(2026, 6, 1)

    def last_known(kind: str, period: KpiPeriod | None) -> date:
        found = known(weeks, "week", kind, period, end)
        assert found is not None and found[0] and list(found) == sorted(found, reverse=True)
        return weeks[int(found.sum()) - 1]

    assert last_known("retention", None) == date(2026, 4, 20)  # + 1 week + 30 days <= 1 June
    assert last_known("retention", KpiPeriod.QUARTER) == date(2026, 2, 16)  # to 23 May
    assert last_known("retention", KpiPeriod.DAY) == date(2026, 5, 18)
    assert last_known("churn", None) == date(2026, 3, 23)  # two months after the week's end
    assert last_known("churn", KpiPeriod.WEEK) == date(2026, 5, 11)
    assert known(weeks, "week", "conversion", KpiPeriod.MONTH, end) is None
