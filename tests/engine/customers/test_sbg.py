"""sBG on the published example of Fader & Hardie (2007), and its lifetimes against sums."""

from __future__ import annotations

import pytest

from parcours.engine.customers.sbg import Sbg, fit_sbg
from parcours.errors import EngineError

# "How to project customer retention", Table 1 (years 0-7) and the estimates fitted on them
REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241]
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491]


@pytest.mark.parametrize(
    ("active", "alpha", "beta"), [(REGULAR, 0.704, 1.182), (HIGH_END, 0.668, 3.806)]
)
def test_sbg_fits_the_published_estimates(active: list[int], alpha: float, beta: float) -> None:
    fit = fit_sbg(active)
    assert round(fit.alpha, 3) == alpha
    assert round(fit.beta, 3) == beta
    # the fitted curve follows the data it was fitted on, within 2 points of the cohort
    for model, seen in zip(fit.survival(7), active, strict=True):
        assert abs(1000 * model - seen) < 20
    rates = fit.retention_rates(7)
    assert rates == sorted(rates)  # retention rises as the likely leavers are gone
    lost = [fit.churn_probability(t) for t in range(1, 8)]
    survival = fit.survival(7)
    for t in range(1, 8):
        assert survival[t - 1] - survival[t] == pytest.approx(lost[t - 1])


def test_discounted_lifetimes_match_their_sums() -> None:
    fit = Sbg(alpha=0.704, beta=1.182)
    d = 0.1
    survival = fit.survival(4000)
    assert fit.discounted_expected_lifetime(d) == pytest.approx(
        sum(s / (1 + d) ** t for t, s in enumerate(survival)), rel=1e-9
    )
    n = 5  # four renewals made: payments 1..5 done, the next at t = 5 if it renews
    assert fit.discounted_residual_lifetime(d, renewals=n - 1) == pytest.approx(
        sum(survival[t] / survival[n - 1] / (1 + d) ** (t - n) for t in range(n, 4000)),
        rel=1e-9,
    )


@pytest.mark.parametrize(
    ("active", "words"),
    [
        ([1000, 600], "at least two periods"),
        ([100, 80, 90], "never increase"),
        ([0, 0, 0], "empty"),
    ],
)
def test_bad_cohorts_are_refused(active: list[int], words: str) -> None:
    with pytest.raises(EngineError, match=words):
        fit_sbg(active)
