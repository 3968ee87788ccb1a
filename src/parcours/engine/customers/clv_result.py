"""Typed results of the lifetime-value analysis: fitted models and each customer's figures."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from parcours.engine.customers.models import BgNbd, GammaGamma, ParetoNbd


@dataclass(frozen=True)
class CustomerValue:
    """One customer's summary and what the models make of it.

    ``p_alive`` and ``expected_purchases`` (over the horizon) come from the model the analysis
    was asked to use (BG/NBD by default); ``churn`` is ``1 - p_alive``. ``expected_value`` is
    the Gamma-Gamma mean value of a future purchase and ``clv`` the discounted value of the
    expected purchases over the horizon; both ``None`` without purchase values.
    """

    customer_id: str
    frequency: float
    recency: float
    T: float
    monetary_value: float | None
    p_alive: float
    churn: float
    expected_purchases: float
    p_alive_bgnbd: float
    p_alive_pareto_nbd: float
    expected_value: float | None
    clv: float | None
    holdout_purchases: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: _clean(v) for k, v in asdict(self).items()}


@dataclass(frozen=True)
class ClvResult:
    """BG/NBD, Pareto/NBD and Gamma-Gamma fits on a customer base, and each customer's
    probability of being alive, churn, expected purchases and value over ``horizon`` time units
    (of ``unit``; ``None``: the summary file's own unit), discounted at ``discount_rate`` per
    unit."""

    bgnbd: BgNbd
    pareto_nbd: ParetoNbd
    gamma_gamma: GammaGamma | None
    customers: tuple[CustomerValue, ...]
    model: str
    horizon: float
    discount_rate: float
    unit: str | None
    calibration_end: str | None = None
    holdout_length: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "bgnbd": self.bgnbd.to_dict(),
            "pareto_nbd": self.pareto_nbd.to_dict(),
            "gamma_gamma": None if self.gamma_gamma is None else self.gamma_gamma.to_dict(),
            "model": self.model,
            "horizon": self.horizon,
            "discount_rate": self.discount_rate,
            "unit": self.unit,
            "calibration_end": self.calibration_end,
            "holdout_length": self.holdout_length,
            "log_likelihood": {
                "bgnbd": self.bgnbd.log_likelihood,
                "pareto_nbd": self.pareto_nbd.log_likelihood,
                "gamma_gamma": None
                if self.gamma_gamma is None
                else self.gamma_gamma.log_likelihood,
            },
            "customers": [c.to_dict() for c in self.customers],
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per customer."""
        return pd.DataFrame([asdict(c) for c in self.customers])

    def parameters(self) -> pd.DataFrame:
        """One row per fitted parameter: model, parameter, value."""
        rows = [
            (name, key, value)
            for name, fit in (
                ("bgnbd", self.bgnbd),
                ("pareto_nbd", self.pareto_nbd),
                ("gamma_gamma", self.gamma_gamma),
            )
            if fit is not None
            for key, value in fit.to_dict().items()
        ]
        return pd.DataFrame(rows, columns=["model", "parameter", "value"])

    def by_segment(self, segments: Mapping[str, str]) -> pd.DataFrame:
        """Per segment (``segments``: customer -> segment id; others under ``None``): customers,
        mean P(alive) and churn, expected purchases and CLV, in total and per customer."""
        frame = self.to_frame()
        frame["segment"] = frame["customer_id"].map(dict(segments))
        grouped = frame.groupby("segment", dropna=False)
        table = grouped.agg(
            customers=("customer_id", "size"),
            p_alive=("p_alive", "mean"),
            churn=("churn", "mean"),
            expected_purchases=("expected_purchases", "sum"),
            clv=("clv", "sum"),
        )
        table["clv_per_customer"] = table["clv"] / table["customers"]
        return table.sort_values("clv", ascending=False)

    @property
    def total_clv(self) -> float | None:
        values = [c.clv for c in self.customers if c.clv is not None]
        return sum(values) if values else None

    def _repr_html_(self) -> str:
        return str(self.parameters().to_html(index=False)) + str(
            self.to_frame().head(20).to_html(index=False)
        )


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
