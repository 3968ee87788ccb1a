"""Buy-till-you-die models, fitted by maximum likelihood on a per-customer summary.

The summary of each customer, in the layout of Fader & Hardie (and of the ``lifetimes``
package): ``x`` repeat purchases (``frequency``), ``t_x`` the time of the last one since the
first purchase (``recency``), ``T`` the time since the first purchase at the end of the
calibration period, and ``m`` the mean value of the repeat purchases (``monetary_value``), all
times in one unit (days, weeks...).

- **BG/NBD** (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): purchases at a
  Poisson rate λ ~ Gamma(r, α); after each purchase the customer drops out with probability
  p ~ Beta(a, b).
- **Pareto/NBD** (Schmittlein, Morrison & Colombo 1987; likelihood of Fader & Hardie 2005, "A
  note on deriving the Pareto/NBD model"): the same purchases, a lifetime exponential with rate
  μ ~ Gamma(s, β).
- **Gamma-Gamma** (Fader, Hardie & Lee 2005, "RFM and CLV"; Fader & Hardie 2013 note): the
  values of a customer's purchases are Gamma(p, ν) with ν ~ Gamma(q, γ), independent of the
  purchase process; fitted on customers with at least one repeat purchase.

Each likelihood is written in logs and maximised over the logs of the parameters (so they stay
positive) by scipy, from several starts; the fit with the highest likelihood is kept. Nothing
here reads data: the engine's summary (:mod:`parcours.engine.customers.summary`) or a file gives
the arrays.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import betaln, gammaln, hyp2f1

from parcours.errors import EngineError

FloatArray = np.ndarray


@dataclass(frozen=True)
class BgNbd:
    """BG/NBD parameters: purchase rates Gamma(r, alpha), drop-out Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float = float("nan")

    def p_alive(self, x: FloatArray, t_x: FloatArray, T: FloatArray) -> FloatArray:
        """Probability each customer is still active at the end of the calibration period."""
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        x, t_x, T = _arrays(x, t_x, T)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            odds = (a / (b + x - 1)) * np.exp((r + x) * (np.log(alpha + T) - np.log(alpha + t_x)))
        return np.where(x > 0, 1.0 / (1.0 + np.where(x > 0, odds, 0.0)), 1.0)

    def expected_purchases(
        self, t: float, x: FloatArray, t_x: FloatArray, T: FloatArray
    ) -> FloatArray:
        """Expected purchases of each customer in the next ``t`` time units."""
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        x, t_x, T = _arrays(x, t_x, T)
        if t <= 0:
            return np.zeros_like(x)
        if abs(a - 1) < 1e-12:
            raise EngineError(
                "the BG/NBD fit has a=1, where its expected purchases are not defined; "
                "refit on more customers."
            )
        z = t / (alpha + T + t)
        head = (a + b + x - 1) / (a - 1)
        tail = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(
            r + x, b + x, a + b + x - 1, z
        )
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            odds = (a / (b + x - 1)) * np.exp((r + x) * (np.log(alpha + T) - np.log(alpha + t_x)))
        denominator = 1 + np.where(x > 0, odds, 0.0)
        return np.asarray(head * tail / denominator, dtype=float)

    def to_dict(self) -> dict[str, float]:
        return {"r": self.r, "alpha": self.alpha, "a": self.a, "b": self.b}


@dataclass(frozen=True)
class ParetoNbd:
    """Pareto/NBD parameters: purchase rates Gamma(r, alpha), drop-out rates Gamma(s, beta)."""

    r: float
    alpha: float
    s: float
    beta: float
    log_likelihood: float = float("nan")

    def p_alive(self, x: FloatArray, t_x: FloatArray, T: FloatArray) -> FloatArray:
        """Probability each customer is still active at the end of the calibration period."""
        r, alpha, s, beta = self.r, self.alpha, self.s, self.beta
        x, t_x, T = _arrays(x, t_x, T)
        log_a0 = _pareto_log_a0(r, alpha, s, beta, x, t_x, T)
        with np.errstate(over="ignore"):
            ratio = np.exp(
                np.log(s)
                - np.log(r + s + x)
                + (r + x) * np.log(alpha + T)
                + s * np.log(beta + T)
                + log_a0
            )
        return np.asarray(1.0 / (1.0 + ratio), dtype=float)

    def expected_purchases(
        self, t: float, x: FloatArray, t_x: FloatArray, T: FloatArray
    ) -> FloatArray:
        """Expected purchases of each customer in the next ``t`` time units."""
        r, alpha, s, beta = self.r, self.alpha, self.s, self.beta
        x, t_x, T = _arrays(x, t_x, T)
        if t <= 0:
            return np.zeros_like(x)
        if abs(s - 1) < 1e-9:
            tail = np.log((beta + T + t) / (beta + T))
        else:
            tail = (1 - ((beta + T) / (beta + T + t)) ** (s - 1)) / (s - 1)
        rate = (r + x) * (beta + T) / (alpha + T)
        return np.asarray(rate * tail * self.p_alive(x, t_x, T), dtype=float)

    def to_dict(self) -> dict[str, float]:
        return {"r": self.r, "alpha": self.alpha, "s": self.s, "beta": self.beta}


@dataclass(frozen=True)
class GammaGamma:
    """Gamma-Gamma spend parameters: values Gamma(p, nu), nu ~ Gamma(q, gamma)."""

    p: float
    q: float
    gamma: float
    log_likelihood: float = float("nan")

    def expected_value(self, x: FloatArray, m: FloatArray) -> FloatArray:
        """Expected value of a customer's next purchase: a weighted mean of the population's
        mean and the customer's own mean ``m`` over ``x`` repeat purchases."""
        p, q, gamma = self.p, self.q, self.gamma
        x, m = _arrays(x, m)
        if q <= 1:
            raise EngineError(
                f"the Gamma-Gamma fit has q={q:.4g} <= 1, for which the mean spend is infinite; "
                "the purchase values are too spread for this model."
            )
        return np.asarray((p * (gamma + x * m)) / (p * x + q - 1), dtype=float)

    def to_dict(self) -> dict[str, float]:
        return {"p": self.p, "q": self.q, "gamma": self.gamma}


def fit_bgnbd(x: FloatArray, t_x: FloatArray, T: FloatArray) -> BgNbd:
    """BG/NBD by maximum likelihood."""
    x, t_x, T = _checked(x, t_x, T)

    def log_likelihood(params: FloatArray) -> FloatArray:
        r, alpha, a, b = params
        head = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
        head = head + betaln(a, b + x) - betaln(a, b)
        end = -(r + x) * np.log(alpha + T)
        with np.errstate(divide="ignore", invalid="ignore"):
            last = np.where(
                x > 0,
                np.log(a) - np.log(np.where(x > 0, b + x - 1, 1.0)) - (r + x) * np.log(alpha + t_x),
                -np.inf,
            )
        return np.asarray(head + np.logaddexp(end, last))

    params, ll = _maximise(log_likelihood, [(1, 1, 1, 1), (0.5, 5, 0.5, 2), (0.2, 10, 1, 3)])
    r, alpha, a, b = params
    return BgNbd(r, alpha, a, b, log_likelihood=ll)


def fit_pareto_nbd(x: FloatArray, t_x: FloatArray, T: FloatArray) -> ParetoNbd:
    """Pareto/NBD by maximum likelihood."""
    x, t_x, T = _checked(x, t_x, T)

    def log_likelihood(params: FloatArray) -> FloatArray:
        r, alpha, s, beta = params
        head = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
        alive = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
        gone = np.log(s) - np.log(r + s + x) + _pareto_log_a0(r, alpha, s, beta, x, t_x, T)
        return np.asarray(head + np.logaddexp(alive, gone))

    params, ll = _maximise(log_likelihood, [(1, 1, 1, 1), (0.5, 10, 0.5, 10), (0.2, 5, 1, 20)])
    r, alpha, s, beta = params
    return ParetoNbd(r, alpha, s, beta, log_likelihood=ll)


def fit_gamma_gamma(x: FloatArray, m: FloatArray) -> GammaGamma:
    """Gamma-Gamma by maximum likelihood on the customers with repeat purchases (``x > 0``)."""
    x, m = _arrays(x, m)
    keep = x > 0
    x, m = x[keep], m[keep]
    if len(x) < 2:
        raise EngineError(
            "Gamma-Gamma needs at least two customers with a repeat purchase and its value; "
            f"the data have {len(x)}."
        )
    if np.any(~np.isfinite(m)) or np.any(m <= 0):
        raise EngineError(
            "Gamma-Gamma needs a positive mean purchase value for every customer with a repeat "
            "purchase; some are zero, negative or missing: drop refunds and free orders first."
        )
    log_m, log_x = np.log(m), np.log(x)

    def log_likelihood(params: FloatArray) -> FloatArray:
        p, q, gamma = params
        px = p * x
        return np.asarray(
            gammaln(px + q)
            - gammaln(px)
            - gammaln(q)
            + q * np.log(gamma)
            + (px - 1) * log_m
            + px * log_x
            - (px + q) * np.log(gamma + x * m)
        )

    scale = float(np.mean(m))
    params, ll = _maximise(log_likelihood, [(1, 1, 1), (5, 3, scale), (2, 2, scale / 2)])
    p, q, gamma = params
    return GammaGamma(p, q, gamma, log_likelihood=ll)


def _pareto_log_a0(
    r: float, alpha: float, s: float, beta: float, x: FloatArray, t_x: FloatArray, T: FloatArray
) -> FloatArray:
    """log A0 of the Pareto/NBD likelihood (Fader & Hardie 2005, eq. 19), with the Gaussian
    hypergeometric function taken on the side where its argument lies in [0, 1)."""
    rsx = r + s + x
    big = max(alpha, beta)
    second = s + 1 if alpha >= beta else r + x
    gap = abs(alpha - beta)
    near, far = big + t_x, big + T
    with np.errstate(divide="ignore", invalid="ignore"):
        first = np.log(hyp2f1(rsx, second, rsx + 1, gap / near)) + rsx * np.log(far)
        last = np.log(hyp2f1(rsx, second, rsx + 1, gap / far)) + rsx * np.log(near)
        difference = first + np.log1p(-np.exp(last - first))
    return np.asarray(difference - rsx * np.log(near * far))


def _maximise(
    log_likelihood: Callable[[FloatArray], FloatArray], starts: Sequence[Sequence[float]]
) -> tuple[tuple[float, ...], float]:
    """The parameters maximising the summed ``log_likelihood``, searched over their logs."""

    def objective(logs: FloatArray) -> float:
        with np.errstate(all="ignore"):
            value = float(np.sum(log_likelihood(np.exp(logs))))
        return -value if np.isfinite(value) else 1e300

    best: tuple[FloatArray, float] | None = None
    for start in starts:
        found = minimize(objective, np.log(np.asarray(start, dtype=float)), method="BFGS")
        if found.fun < 1e300 and (best is None or found.fun < best[1]):
            best = (found.x, float(found.fun))
    if best is not None:  # a simplex search from the best gradient fit settles a flat optimum
        polished = minimize(
            objective,
            best[0],
            method="Nelder-Mead",
            options={"xatol": 1e-9, "fatol": 1e-11, "maxiter": 20000, "maxfev": 20000},
        )
        if polished.fun <= best[1]:
            best = (polished.x, float(polished.fun))
    if best is None:
        raise EngineError(
            "the model could not be fitted: the likelihood is not finite at any start; check "
            "that recency <= T and frequency >= 0 for every customer."
        )
    return tuple(float(v) for v in np.exp(best[0])), -best[1]


def _arrays(*columns: FloatArray | Sequence[float]) -> tuple[FloatArray, ...]:
    return tuple(np.asarray(c, dtype=float) for c in columns)


def _checked(x: FloatArray, t_x: FloatArray, T: FloatArray) -> tuple[FloatArray, ...]:
    x, t_x, T = _arrays(x, t_x, T)
    if not len(x):
        raise EngineError("no customers to fit the model on.")
    bad = (x < 0) | (t_x < 0) | (t_x > T + 1e-9) | (T <= 0) | ((x == 0) & (t_x != 0))
    bad |= ~(np.isfinite(x) & np.isfinite(t_x) & np.isfinite(T))
    if np.any(bad):
        i = int(np.argmax(bad))
        raise EngineError(
            f"customer #{i + 1} has frequency={x[i]:g}, recency={t_x[i]:g}, T={T[i]:g}: a summary "
            "needs frequency >= 0, 0 <= recency <= T, T > 0, and recency 0 without repeat purchase."
        )
    return x, t_x, T
