"""The statistics of the detectors that compare groups of customers (plain numpy and scipy, no
engine): odds ratios with PostHog's +1 smoothing and their interval, exact or chi-square
p-values, differences of two proportions, and the Benjamini-Hochberg control of the share of
false discoveries across every candidate a detector tests."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

#: A finding's adjusted p-value (Benjamini-Hochberg) must be below this.
ALPHA = 0.01
#: Fewer customers than this on either side of a comparison: no finding.
MIN_SUPPORT = 30
#: Below every expected cell of this size a 2x2 table is tested exactly (Fisher).
EXACT_BELOW = 5.0
_Z95 = 1.959963984540054


@dataclass(frozen=True)
class Table:
    """A 2x2 table of customers: those with a trait (``with_moved``, ``with_dropped``) and all
    of them (``moved``, ``dropped``), split by whether they moved on (converted)."""

    with_moved: int
    with_dropped: int
    moved: int
    dropped: int

    @property
    def cells(self) -> tuple[int, int, int, int]:
        """with-moved, with-dropped, without-moved, without-dropped."""
        a, b = self.with_moved, self.with_dropped
        return a, b, self.moved - a, self.dropped - b


def odds_ratio(table: Table, prior: int = 1) -> float:
    """The odds of moving on with the trait over those without it, every cell plus ``prior``
    (PostHog's funnel correlation: above 1 the trait goes with success, below with failure)."""
    a, b, c, d = table.cells
    return (a + prior) * (d + prior) / ((c + prior) * (b + prior))


def odds_interval(table: Table, prior: int = 1) -> tuple[float, float]:
    """The 95 % interval of :func:`odds_ratio` (Woolf's, on the smoothed cells)."""
    a, b, c, d = (x + prior for x in table.cells)
    spread = _Z95 * math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    centre = math.log(a * d / (b * c))
    return math.exp(centre - spread), math.exp(centre + spread)


def p_value(table: Table) -> float:
    """The two-sided p-value of independence: Fisher's exact test when an expected cell is
    below :data:`EXACT_BELOW`, else Pearson's chi-square (no continuity correction)."""
    a, b, c, d = table.cells
    cells = np.array([[a, b], [c, d]], dtype=float)
    if (cells.sum(axis=0) == 0).any() or (cells.sum(axis=1) == 0).any():
        return 1.0
    expected = cells.sum(axis=1, keepdims=True) * cells.sum(axis=0, keepdims=True) / cells.sum()
    if (expected < EXACT_BELOW).any():
        return float(stats.fisher_exact(cells.astype(int)).pvalue)
    return float(stats.chi2_contingency(cells, correction=False).pvalue)


def independence(counts: ArrayLike) -> float:
    """The chi-square p-value of independence of an r x 2 table (values x moved/dropped);
    1 when it has fewer than two rows or columns with customers."""
    cells = np.asarray(counts, dtype=float)
    cells = cells[cells.sum(axis=1) > 0]
    if cells.shape[0] < 2 or (cells.sum(axis=0) == 0).any():
        return 1.0
    return float(stats.chi2_contingency(cells, correction=False).pvalue)


@dataclass(frozen=True)
class Difference:
    """``first - second`` of two proportions, its 95 % interval and two-sided p-value."""

    first: float
    second: float
    difference: float
    low: float
    high: float
    p_value: float


def two_proportions(k1: int, n1: int, k2: int, n2: int) -> Difference:
    """``k1/n1 - k2/n2`` with a Wald interval and the pooled two-proportion z-test."""
    p1, p2 = k1 / n1, k2 / n2
    spread = _Z95 * math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    pooled = (k1 + k2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    p = 1.0 if se == 0 else float(2 * stats.norm.sf(abs(p1 - p2) / se))
    return Difference(p1, p2, p1 - p2, p1 - p2 - spread, p1 - p2 + spread, p)


def adjusted(p_values: ArrayLike) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (the false discovery rate at which each would be
    declared)."""
    p = np.asarray(p_values, dtype=float)
    if p.size == 0:
        return p
    return np.asarray(stats.false_discovery_control(np.clip(p, 0.0, 1.0), method="bh"))


def trend(scores: ArrayLike, n: ArrayLike, kept: ArrayLike) -> float:
    """The two-sided p-value of the Cochran-Armitage test for a trend in proportions: whether
    the share ``kept / n`` of groups rises or falls with their ``scores`` (1 when all groups
    share a score or a proportion of 0 or 1)."""
    s, size, k = (np.asarray(x, dtype=float) for x in (scores, n, kept))
    total = size.sum()
    if total == 0:
        return 1.0
    p = k.sum() / total
    centre = (size * s).sum() / total
    variance = p * (1 - p) * (size * (s - centre) ** 2).sum()
    if variance <= 0:
        return 1.0
    statistic = (k * (s - centre)).sum() / math.sqrt(variance)
    return float(2 * stats.norm.sf(abs(statistic)))


@dataclass(frozen=True)
class Stratified:
    """Two groups compared within strata (cohorts): the Mantel-Haenszel difference of their
    proportions (first − second, each stratum weighted by ``n1·n2/N``) and the
    Cochran-Mantel-Haenszel p-value (no continuity correction)."""

    difference: float
    p_value: float


def mantel_haenszel(strata: list[tuple[int, int, int, int]]) -> Stratified:
    """``strata``: per stratum, (kept, n) of the first group and (kept, n) of the second."""
    weights = excess = variance = total = 0.0
    for k1, n1, k2, n2 in strata:
        size = n1 + n2
        if n1 == 0 or n2 == 0:
            continue
        w = n1 * n2 / size
        weights += w
        total += w * (k1 / n1 - k2 / n2)
        kept = k1 + k2
        excess += k1 - n1 * kept / size
        if size > 1:
            variance += n1 * n2 * kept * (size - kept) / (size * size * (size - 1))
    if weights == 0 or variance <= 0:
        return Stratified(0.0, 1.0)
    return Stratified(total / weights, float(stats.chi2.sf(excess * excess / variance, 1)))
