"""Customer KPIs from feedback and orders: NPS (with a confidence interval), CSAT, CES, rates
and waiting / response times (median and p90).

Each function takes plain values (ratings, flags, seconds) and returns a :class:`KpiValue`; the
queries that select the values for a stage, touchpoint, segment or period live with the caller.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

Z95 = 1.959963984540054


@dataclass(frozen=True)
class KpiValue:
    """A measured KPI: ``value`` on its natural scale (NPS −100..100, rates 0..1, seconds),
    ``n`` observations, an optional 95 % interval and, for times, the 90th percentile."""

    value: float | None
    n: int
    low: float | None = None
    high: float | None = None
    p90: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


EMPTY = KpiValue(None, 0)


def nps(ratings: ArrayLike) -> KpiValue:
    """% promoters (9-10) minus % detractors (0-6), with a 95 % normal interval."""
    r = np.asarray(ratings, dtype=float)
    n = r.size
    if n == 0:
        return EMPTY
    promoters, detractors = float(np.mean(r >= 9)), float(np.mean(r <= 6))
    score = promoters - detractors
    variance = promoters + detractors - score**2
    half = Z95 * math.sqrt(max(variance, 0.0) / n)
    return KpiValue(100 * score, n, 100 * (score - half), 100 * (score + half))


def share(flags: ArrayLike) -> KpiValue:
    """The share of true flags, with a 95 % Wilson interval."""
    f = np.asarray(flags, dtype=bool)
    return share_of(int(f.sum()), f.size)


def share_of(kept: int, n: int) -> KpiValue:
    """The share ``kept / n``, with a 95 % Wilson interval."""
    if n == 0:
        return EMPTY
    p = kept / n
    denominator = 1 + Z95**2 / n
    centre = (p + Z95**2 / (2 * n)) / denominator
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / denominator
    return KpiValue(p, n, centre - half, centre + half)


def csat(ratings: ArrayLike) -> KpiValue:
    """The share of satisfied answers: 4 or 5 on a 1-5 scale."""
    return share(np.asarray(ratings, dtype=float) >= 4)


def mean(values: ArrayLike) -> KpiValue:
    """The mean with a 95 % normal interval (CES, ratings)."""
    v = np.asarray(values, dtype=float)
    n = v.size
    if n == 0:
        return EMPTY
    centre = float(v.mean())
    half = Z95 * float(v.std(ddof=1)) / math.sqrt(n) if n > 1 else 0.0
    return KpiValue(centre, n, centre - half, centre + half)


def duration(seconds: ArrayLike) -> KpiValue:
    """Median and 90th percentile of waiting or response times, in seconds."""
    s = np.asarray(seconds, dtype=float)
    s = s[~np.isnan(s)]
    if s.size == 0:
        return EMPTY
    return KpiValue(float(np.median(s)), int(s.size), p90=float(np.percentile(s, 90)))


def emotion_of_rating(survey: str, rating: float) -> float:
    """A survey answer on the map's −2..+2 emotion scale."""
    if survey == "nps":  # 0..10
        value = (rating - 5) / 2.5
    elif survey == "ces":  # 1..7, lower is better
        value = (4 - rating) / 1.5
    else:  # csat, review: 1..5
        value = rating - 3
    return float(np.clip(value, -2, 2))
