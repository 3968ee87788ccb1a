"""Incidents over calendar time on one series: when a measure left its usual level.

Every series of a journey's :class:`~parcours.insight.trend.Timeline` is scanned:

* a **rate** (conversion, abandonment, click-through, retention, churn, CSAT, return and
  complaint rates: ``n`` observations per period) against its binomial p-chart
  (:func:`~parcours.insight.control.p_chart`): the baseline is the median rate of the periods,
  each period's variance ``p(1-p)·n_t`` its own;
* a **count** (customers per period) against the median of its neighbours (same weekday for
  days), with a Poisson variance.

Deviations are pooled over runs of consecutive periods (:func:`~parcours.insight.control.scan`)
so that a one-month bug is one incident with a start and an end, and a one-day outage a run of
one day. The variance is widened by the series' own over-dispersion; a run is an incident when
its pooled score reaches ``threshold`` standard errors (5 by default: a map has dozens of series
of hundreds of periods, the chart's 3 would raise false alarms every week), when the change is
large enough to matter (``min_change`` of the baseline), and, for a rate, when it goes the
harmful way. Recent periods of a rate that follows customers are judged for what they can show
yet: customers who came to a stage lately may still reach the next one, so the expected rate is
the baseline times the share of the eventual converters already seen (``completion``), and a
period is judged once half of them are; retention is judged 30 days on (the caller gives both,
see :mod:`parcours.insight.journey_incidents`, which also explains each incident by channel).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from parcours.engine.series import Series, next_start
from parcours.insight.control import Run, count_baseline, dispersion, scan
from parcours.model import KpiKind
from parcours.model.vocabulary import RATE_KINDS

#: Series whose values are shares of customers (the measure's kind values).
RATES = frozenset(k.value for k in RATE_KINDS)
#: Rates measured by whether customers reached the next stage.
REACHING = frozenset({KpiKind.CONVERSION.value, KpiKind.ABANDONMENT.value})
THRESHOLD = 5.0
MIN_CHANGE = {"rate": 0.1, "count": 0.2}
#: A period is judged once this share of what it will finally count is seen (explanations
#: take their channels' baselines from the periods at least :data:`MATURE` complete).
MIN_COMPLETION, MATURE = 0.5, 0.99
#: A count series is judged between its first and last period at this share of its usual
#: level (the upper quartile of its counts: robust to long thin tails at the data's edges).
ACTIVE = 0.8


@dataclass(frozen=True)
class Incident:
    """A run of periods (``start`` to ``end``, indices, end exclusive) of one series that left
    its baseline: the baseline and observed values (rate, or count per period), the
    observations in the run (``n``), the customers lost (``cost``, 0 for a rise in a count)."""

    series: Series
    start: int
    end: int
    score: float
    baseline: float
    observed: float
    n: int
    cost: float
    counted: tuple[bool, ...]  # which periods of the series were judged
    completion: tuple[float, ...] = ()  # per period, the share of its final count seen (rates)

    @property
    def first_day(self) -> date:
        return self.series.points[self.start].start

    @property
    def last_day(self) -> date:
        last = self.series.points[self.end - 1].start
        return next_start(last, self.series.every) - timedelta(days=1)


def rate_incidents(
    series: Series,
    *,
    higher_is_better: bool = True,
    counted: np.ndarray | None = None,
    completion: np.ndarray | None = None,
    complement: bool = False,
    threshold: float = THRESHOLD,
    min_change: float = MIN_CHANGE["rate"],
    floor: float = 0.0,
    within: tuple[int, int] | None = None,
) -> list[Incident]:
    """The harmful runs of a rate series. ``counted``: the periods to judge (default all with
    observations). ``completion``: per period, the share of what will be kept that is already
    seen (customers who came recently may still reach the next stage): the expected rate is the
    baseline times it, and periods below :data:`MIN_COMPLETION` are not judged; it applies to
    the share itself or, with ``complement``, to the rest (an abandonment is 1 − reached).
    ``floor``: the least baseline (a share that is usually nil is judged against it).
    ``within``: judge this one run of periods (start, end exclusive) instead of scanning."""
    n = np.array([p.value.n for p in series.points], dtype=float)
    shares = np.array([p.value.value or 0.0 for p in series.points], dtype=float)
    rates = 1 - shares if complement else shares  # the share that completes over time
    up = higher_is_better != complement  # which way is good, for ``rates``
    done = np.ones(n.size) if completion is None else np.asarray(completion, dtype=float)
    kept = np.round(rates * n)
    judged = (n > 0) & (done >= MIN_COMPLETION)
    if counted is not None:
        judged &= counted
    if judged.sum() < 3:
        return []
    # each period's rate as if complete; the baseline is their median
    adjusted = np.divide(rates, done, out=np.zeros(n.size), where=done > 0)
    p0 = max(float(np.median(adjusted[judged])), floor)
    expected = p0 * done
    excess = np.where(judged, kept - expected * n, 0.0)
    variance = np.where(judged, expected * (1 - expected) * n, 0.0)
    variance = variance * dispersion(excess[judged], variance[judged])
    found = []
    if within is None:
        runs = scan(excess, variance, threshold)
    else:
        spread = float(variance[within[0] : within[1]].sum())
        pooled = float(excess[within[0] : within[1]].sum()) / np.sqrt(spread) if spread else 0.0
        runs = [Run(within[0], within[1], pooled)]
    for run in runs:
        inside = np.zeros(n.size, dtype=bool)
        inside[run.start : run.end] = True
        inside &= judged
        outside = judged & ~inside
        if not outside.any():
            continue
        baseline = max(float(np.median(adjusted[outside])), floor)
        total = float(n[inside].sum())
        observed = float(kept[inside].sum() / (done[inside] * n[inside]).sum())
        change = observed - baseline
        stated = (1 - baseline, 1 - observed) if complement else (baseline, observed)
        if (change > 0) == up or abs(change) < min_change * stated[0]:
            continue
        found.append(
            Incident(
                series,
                run.start,
                run.end,
                run.score,
                *stated,
                int(total),
                abs(change) * total,
                tuple(bool(x) for x in judged),
                tuple(float(x) for x in done),
            )
        )
    return found


def count_incidents(
    series: Series, *, threshold: float = THRESHOLD, min_change: float = MIN_CHANGE["count"]
) -> list[Incident]:
    """The runs of a count series that fell or rose from the usual counts (the cost of a rise
    is 0: nobody was lost)."""
    counts = np.array([p.value.value or 0.0 for p in series.points], dtype=float)
    judged = active_periods(counts)
    if judged.sum() < 3:
        return []
    expected = count_baseline(counts, series.every, judged)
    judged &= ~np.isnan(expected)
    expected = np.nan_to_num(expected)
    excess = np.where(judged, counts - expected, 0.0)
    variance = np.where(judged, np.maximum(expected, 1.0), 0.0)
    variance = variance * dispersion(excess[judged], variance[judged])
    found = []
    for run in scan(excess, variance, threshold):
        inside = np.zeros(counts.size, dtype=bool)
        inside[run.start : run.end] = True
        inside &= judged
        periods = int(inside.sum())
        baseline = float(expected[inside].sum() / periods)
        observed = float(counts[inside].sum() / periods)
        if abs(observed - baseline) < min_change * baseline:
            continue
        if not _returns(counts, judged, run.start, run.end, observed, min_change, series.every):
            continue
        found.append(
            Incident(
                series,
                run.start,
                run.end,
                run.score,
                baseline,
                observed,
                int(counts[inside].sum()),
                max(baseline - observed, 0.0) * periods,
                tuple(bool(x) for x in judged),
            )
        )
    return found


def _returns(
    counts: np.ndarray,
    judged: np.ndarray,
    start: int,
    end: int,
    observed: float,
    min_change: float,
    every: str,
) -> bool:
    """Whether the counts of the four weeks (or periods) before and after a run both differ
    from the run's level the same way as the run does from its baseline: a dip or a spike
    with a start and an end, not the ramp up or the winding down of a series at the edges of
    the data (nor, yet, a change in the very last periods): each side needs a quarter of its
    width judged (a week of days), so that a dip just before the series winds down, with a
    few noisy days after it, is no incident."""
    width = 28 if every == "day" else 4
    index = np.arange(counts.size)
    before = counts[judged & (index < start) & (index >= start - width)]
    after = counts[judged & (index >= end) & (index < end + width)]
    if min(before.size, after.size) < width // 4:  # a week of days, or one period, each side
        return False
    levels = np.array([np.median(before), np.median(after)])
    if observed < levels.min():
        return bool(observed <= (1 - min_change) * levels.min())
    return bool(observed >= (1 + min_change) * levels.max())


def active_periods(counts: np.ndarray) -> np.ndarray:
    """The periods between the first and the last at :data:`ACTIVE` of the usual count (a
    series that ramps up or winds down at the edges of the data is judged in between), the last
    period left out (it is often partial)."""
    out = np.zeros(counts.size, dtype=bool)
    positive = counts[counts > 0]
    if positive.size == 0:
        return out
    high = np.flatnonzero(counts >= ACTIVE * float(np.quantile(positive, 0.75)))
    out[high[0] : min(high[-1] + 1, counts.size - 1)] = True
    return out
