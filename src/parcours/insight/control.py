"""Control limits and change scans over one calendar series (plain numpy, no engine).

* :func:`p_chart` — the binomial p-chart of a *rate* series (``kept`` of ``n`` per period): each
  period's centre is the median rate of the other periods (robust to the incident itself), its
  limits ``p ± sigmas·sqrt(p(1-p)/n_t)`` follow the period's own volume.
* :func:`count_baseline` — the expected value of each period of a *count* series: the median of
  its neighbours (the same weekday of the four weeks around for days, four periods either side
  otherwise), the period itself left out.
* :func:`scan` — the runs of consecutive periods whose pooled deviation from the baseline is
  largest: a one-day spike is a run of one period, a one-month bug one run with a start and an
  end (the scan statistic for a change in mean: ``sum(e) / sqrt(sum(v))`` over the run).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

#: 1.4826 × the median absolute deviation estimates a normal standard deviation.
MAD_SD = 1.4826


@dataclass(frozen=True)
class Limits:
    """Per period: the baseline (``center``) and the control limits around it; NaN where a
    period has no observations."""

    center: np.ndarray
    low: np.ndarray
    high: np.ndarray

    def outside(self, values: ArrayLike) -> np.ndarray:
        """Which periods' values leave the limits."""
        v = np.asarray(values, dtype=float)
        with np.errstate(invalid="ignore"):
            return (v < self.low) | (v > self.high)


@dataclass(frozen=True)
class Run:
    """Periods ``start`` to ``end`` (exclusive, indices into the series) and their scan score:
    the pooled deviation in standard errors (negative: below the baseline)."""

    start: int
    end: int
    score: float


def p_chart(kept: ArrayLike, n: ArrayLike, sigmas: float = 3.0) -> Limits:
    """The binomial p-chart of ``kept`` successes out of ``n`` per period."""
    k = np.asarray(kept, dtype=float)
    size = np.asarray(n, dtype=float)
    seen = size > 0
    rates = np.divide(k, size, out=np.full(k.shape, np.nan), where=seen)
    center = np.full(k.shape, np.nan)
    for t in np.flatnonzero(seen):
        others = np.delete(rates, t)
        others = others[~np.isnan(others)]
        center[t] = float(np.median(others)) if others.size else rates[t]
    return binomial_limits(center, size, sigmas)


def binomial_limits(center: ArrayLike, n: ArrayLike, sigmas: float = 3.0) -> Limits:
    """Limits ``p ± sigmas·sqrt(p(1-p)/n_t)`` around the rates ``center`` (clipped to 0..1)."""
    p = np.asarray(center, dtype=float) * np.ones(np.shape(n))
    size = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = sigmas * np.sqrt(p * (1 - p) / size)
    return Limits(p, np.clip(p - half, 0, 1), np.clip(p + half, 0, 1))


def count_baseline(counts: ArrayLike, every: str, judged: ArrayLike | None = None) -> np.ndarray:
    """The expected count of each period: the median of its neighbours among the ``judged``
    periods (default all), itself left out: the same weekday within four weeks for daily
    series, four periods either side otherwise; NaN without neighbours."""
    c = np.asarray(counts, dtype=float)
    ok = np.ones(c.size, dtype=bool) if judged is None else np.asarray(judged, dtype=bool)
    offsets = (-28, -21, -14, -7, 7, 14, 21, 28) if every == "day" else (-4, -3, -2, -1, 1, 2, 3, 4)
    out = np.full(c.shape, np.nan)
    for t in range(c.size):
        near = [c[t + o] for o in offsets if 0 <= t + o < c.size and ok[t + o]]
        if near:
            out[t] = float(np.median(near))
    return out


def dispersion(excess: ArrayLike, variance: ArrayLike) -> float:
    """How much more the standardised deviations spread than their model says (at least 1): the
    square of a robust standard deviation of ``excess / sqrt(variance)``."""
    e, v = np.asarray(excess, dtype=float), np.asarray(variance, dtype=float)
    z = e[v > 0] / np.sqrt(v[v > 0])
    if z.size < 5:
        return 1.0
    sd = MAD_SD * float(np.median(np.abs(z - np.median(z))))
    return max(1.0, sd * sd)


def scan(excess: ArrayLike, variance: ArrayLike, threshold: float, *, most: int = 3) -> list[Run]:
    """The runs (at most ``most``, not overlapping, largest first) whose pooled score
    ``sum(excess) / sqrt(sum(variance))`` reaches ``threshold`` in absolute value. A period of
    zero variance (nothing observed, or left out) adds nothing; runs start and end on periods
    with some variance."""
    e = np.asarray(excess, dtype=float)
    v = np.asarray(variance, dtype=float)
    counted = v > 0
    e = np.where(counted, e, 0.0)
    v = np.where(counted, v, 0.0)
    E = np.concatenate([[0.0], np.cumsum(e)])
    V = np.concatenate([[0.0], np.cumsum(v)])
    sums = E[None, :] - E[:, None]  # [i, j]: periods i .. j-1
    spread = V[None, :] - V[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(spread > 0, sums / np.sqrt(spread), 0.0)
    size = e.size
    starts = np.concatenate([counted, [False]])
    ends = np.concatenate([[False], counted])  # j-1 must be a counted period
    allowed = np.triu(np.ones((size + 1, size + 1), dtype=bool), 1)
    allowed &= starts[:, None] & ends[None, :]
    runs: list[Run] = []
    while len(runs) < most:
        candidates = np.where(allowed, np.abs(score), -1.0)
        i, j = np.unravel_index(int(np.argmax(candidates)), candidates.shape)
        if candidates[i, j] < threshold:
            break
        runs.append(Run(int(i), int(j), float(score[i, j])))
        rows = np.arange(size + 1)
        overlapping = (rows[:, None] < j) & (rows[None, :] > i)
        allowed &= ~overlapping
    return runs
