"""Subscriptions: the shifted-beta-geometric (sBG) model of contract renewals.

Fader & Hardie (2007), "How to project customer retention", Journal of Interactive Marketing
21(1): each customer renews at the end of every period with probability ``1 - θ``, their churn
probability θ ~ Beta(alpha, beta) across customers. Then

- P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta), the chance of leaving in period t;
- S(t) = B(alpha, beta + t) / B(alpha, beta), the chance of still subscribing after t periods;
- r(t) = S(t) / S(t - 1) = (beta + t - 1) / (alpha + beta + t - 1), the retention rate, which
  rises with t as the customers likely to leave are gone.

:func:`fit_sbg` fits alpha and beta by maximum likelihood on the number of customers still active
at the end of each period of a cohort; :class:`Sbg` projects survival, and the discounted
expected lifetime (Fader & Hardie 2010, "Customer-base valuation in a contractual setting":
DEL = 2F1(1, beta; alpha + beta; 1 / (1 + d)), payments at the start of each period) and the
residual lifetime of a customer who has renewed ``n - 1`` times (DERL).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import minimize
from scipy.special import betaln, hyp2f1

from parcours.errors import EngineError


@dataclass(frozen=True)
class Sbg:
    """A fitted sBG: churn probabilities Beta(alpha, beta)."""

    alpha: float
    beta: float
    log_likelihood: float = float("nan")

    def survival(self, periods: int) -> list[float]:
        """S(0) = 1, S(1)... S(periods): the share of a cohort still active after each period."""
        t = np.arange(periods + 1, dtype=float)
        return [
            float(v)
            for v in np.exp(betaln(self.alpha, self.beta + t) - betaln(self.alpha, self.beta))
        ]

    def retention_rates(self, periods: int) -> list[float]:
        """r(1)... r(periods): the share of those active after t - 1 periods who renew."""
        t = np.arange(1, periods + 1, dtype=float)
        return [float(v) for v in (self.beta + t - 1) / (self.alpha + self.beta + t - 1)]

    def churn_probability(self, period: int) -> float:
        """P(T = period): the chance a new customer leaves at the end of that period."""
        if period < 1:
            raise EngineError(f"a period is counted from 1, got {period}.")
        return float(
            np.exp(betaln(self.alpha + 1, self.beta + period - 1) - betaln(self.alpha, self.beta))
        )

    def discounted_expected_lifetime(self, discount_rate: float) -> float:
        """DEL: the expected number of payments of a new customer, discounted at
        ``discount_rate`` per period, the first payment undiscounted."""
        _check_rate(discount_rate)
        return float(hyp2f1(1.0, self.beta, self.alpha + self.beta, 1 / (1 + discount_rate)))

    def discounted_residual_lifetime(self, discount_rate: float, renewals: int) -> float:
        """DERL: the discounted expected number of future payments of a customer who has made
        ``renewals`` renewals (``renewals + 1`` payments), valued just before their next renewal
        decision (that payment, if made, undiscounted)."""
        _check_rate(discount_rate)
        if renewals < 0:
            raise EngineError(f"renewals must be >= 0, got {renewals}.")
        n = renewals + 1
        a, b = self.alpha, self.beta
        stay = (b + n - 1) / (a + b + n - 1)
        return float(stay * hyp2f1(1.0, b + n, a + b + n, 1 / (1 + discount_rate)))

    def to_dict(self) -> dict[str, Any]:
        return {"alpha": self.alpha, "beta": self.beta, "log_likelihood": self.log_likelihood}


def fit_sbg(active: Sequence[int | float]) -> Sbg:
    """Fit alpha and beta on a cohort: ``active[0]`` customers at the start, ``active[t]``
    still active at the end of period ``t`` (never increasing)."""
    counts = np.asarray(active, dtype=float)
    if len(counts) < 3:
        raise EngineError(
            "the sBG model needs the cohort's size and at least two periods of survivors "
            f"(got {len(counts)} value(s))."
        )
    if np.any(~np.isfinite(counts)) or np.any(counts < 0) or np.any(np.diff(counts) > 0):
        raise EngineError(
            "the active customers of a cohort must be numbers >= 0 that never increase from one "
            f"period to the next; got {list(active)}."
        )
    if counts[0] <= 0:
        raise EngineError("the cohort is empty: its first count must be positive.")
    lost = -np.diff(counts)
    t = np.arange(1, len(counts), dtype=float)
    survivors = counts[-1]

    def negative(logs: np.ndarray) -> float:
        a, b = np.exp(logs)
        base = betaln(a, b)
        left = np.sum(lost * (betaln(a + 1, b + t - 1) - base))
        stayed = survivors * (betaln(a, b + t[-1]) - base)
        value = float(left + stayed)
        return -value if np.isfinite(value) else 1e300

    best = None
    for start in ((0.0, 0.0), (np.log(0.5), np.log(2.0)), (np.log(2.0), np.log(5.0))):
        found = minimize(
            negative,
            np.asarray(start),
            method="Nelder-Mead",
            options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 10000},
        )
        if best is None or found.fun < best.fun:
            best = found
    assert best is not None
    alpha, beta = (float(v) for v in np.exp(best.x))
    return Sbg(alpha, beta, log_likelihood=-float(best.fun))


def _check_rate(rate: float) -> None:
    if not rate > 0:
        raise EngineError(
            f"the discount rate must be > 0 for a finite discounted lifetime, got {rate}."
        )
