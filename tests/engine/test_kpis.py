"""KPI statistics against values worked out by hand."""

import pytest

from parcours.engine import kpis


def test_nps_is_promoters_minus_detractors_with_an_interval() -> None:
    result = kpis.nps([10, 9, 9, 8, 7, 6, 0, 10])  # 4 promoters, 2 detractors, n = 8
    assert result.value == pytest.approx(25.0)
    # variance of the per-answer score (+1 / 0 / -1): 0.5 + 0.25 - 0.0625 = 0.6875
    half = 1.959963984540054 * (0.6875 / 8) ** 0.5 * 100
    assert (result.low, result.high) == (pytest.approx(25 - half), pytest.approx(25 + half))
    assert kpis.nps([]).value is None and kpis.nps([]).n == 0


def test_csat_is_the_share_of_4_and_5_with_a_wilson_interval() -> None:
    result = kpis.csat([5, 4, 3, 2, 5, 4, 1, 5, 4, 4])
    assert (result.value, result.n) == (0.7, 10)
    half = kpis.share([True] * 50 + [False] * 50)
    assert (round(half.low, 4), round(half.high, 4)) == (0.4038, 0.5962)


def test_durations_give_median_and_p90_ignoring_missing() -> None:
    result = kpis.duration([60, 120, 180, 240, float("nan"), 600])
    assert (result.value, result.n) == (180.0, 5)
    assert result.p90 == pytest.approx(456.0)


def test_ratings_map_onto_the_emotion_scale() -> None:
    assert kpis.emotion_of_rating("nps", 10) == 2
    assert kpis.emotion_of_rating("nps", 5) == 0
    assert kpis.emotion_of_rating("csat", 1) == -2
    assert kpis.emotion_of_rating("ces", 1) == 2  # low effort is good
    assert kpis.emotion_of_rating("ces", 7) == -2
