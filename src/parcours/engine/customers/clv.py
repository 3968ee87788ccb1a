"""Lifetime value and churn: the buy-till-you-die models on a customer base.

::

    summary = customer_summary(log, calibration_end="2024-06-30")   # from the workspace
    result = lifetime_value(summary, horizon=52, discount_rate=0.002)
    result.bgnbd, result.pareto_nbd, result.gamma_gamma             # fitted parameters
    result.to_frame()                                               # P(alive), churn, CLV...

    lifetime_value_file("orders.csv", value="amount")               # what `parcours clv` runs

Churn is ``1 - P(alive)``. CLV over a horizon of ``t`` time units is cut into at most
:data:`MAX_STEPS` equal steps; the purchases expected in each step (the difference of the
model's cumulative expectation at its ends) are valued at the Gamma-Gamma expected value and
discounted to the start of the horizon at ``discount_rate`` per time unit, from the step's end
(the convention of ``lifetimes.customer_lifetime_value``).
"""

from __future__ import annotations

import math
from datetime import date, datetime
from pathlib import Path
from typing import Literal

import duckdb
import numpy as np

from parcours.data.purchases import read_purchases
from parcours.data.schema import EVENTS
from parcours.engine.customers.clv_result import ClvResult, CustomerValue
from parcours.engine.customers.models import (
    BgNbd,
    ParetoNbd,
    fit_bgnbd,
    fit_gamma_gamma,
    fit_pareto_nbd,
)
from parcours.engine.customers.summary import CustomerSummary, Unit, customer_summary
from parcours.engine.duckdb.eventlog import EventLog
from parcours.errors import EngineError

Model = Literal["bgnbd", "pareto_nbd"]
MODELS: tuple[str, ...] = ("bgnbd", "pareto_nbd")
#: Most steps a CLV horizon is cut into for discounting.
MAX_STEPS = 120


def lifetime_value(
    summary: CustomerSummary,
    *,
    horizon: float | None = None,
    discount_rate: float = 0.0,
    model: Model = "bgnbd",
) -> ClvResult:
    """Fit the models on ``summary`` and value each customer over ``horizon`` time units (by
    default the calibration period's length, the largest ``T``)."""
    if model not in MODELS:
        raise EngineError(f"unknown model {model!r}; use one of {', '.join(MODELS)}.")
    if discount_rate < 0 or not math.isfinite(discount_rate):
        raise EngineError(f"the discount rate must be a number >= 0, got {discount_rate}.")
    if not len(summary):
        raise EngineError("no customers in the summary: nothing to fit.")
    x, t_x, T = summary.frequency, summary.recency, summary.T
    span = float(np.max(T)) if horizon is None else float(horizon)
    if span <= 0 or not math.isfinite(span):
        raise EngineError(f"the horizon must be a positive number of time units, got {horizon}.")
    if not np.any(x > 0):
        raise EngineError(
            f"none of the {len(x)} customers made a repeat purchase: the models learn from "
            "repeat purchases. Use a longer calibration period or more customers."
        )
    bg, pareto = fit_bgnbd(x, t_x, T), fit_pareto_nbd(x, t_x, T)
    chosen: BgNbd | ParetoNbd = bg if model == "bgnbd" else pareto
    alive_bg, alive_pareto = bg.p_alive(x, t_x, T), pareto.p_alive(x, t_x, T)
    alive = alive_bg if model == "bgnbd" else alive_pareto
    expected = chosen.expected_purchases(span, x, t_x, T)
    spend = None
    value = clv = np.full(len(x), np.nan)
    m = np.where(x > 0, summary.monetary_value, 0.0)
    usable = (x > 0) & np.isfinite(m)
    if np.sum(usable) >= 2:  # else no Gamma-Gamma: gamma_gamma and the CLVs stay None
        spend = fit_gamma_gamma(x[usable], m[usable])
        value = spend.expected_value(np.where(usable, x, 0.0), np.where(usable, m, 0.0))
        clv = value * discounted_purchases(chosen, span, discount_rate, x, t_x, T)
    holdout = summary.holdout
    customers = tuple(
        CustomerValue(
            customer_id=summary.customer_id[i],
            frequency=float(x[i]),
            recency=float(t_x[i]),
            T=float(T[i]),
            monetary_value=_number(summary.monetary_value[i]),
            p_alive=float(alive[i]),
            churn=float(1.0 - alive[i]),
            expected_purchases=float(expected[i]),
            p_alive_bgnbd=float(alive_bg[i]),
            p_alive_pareto_nbd=float(alive_pareto[i]),
            expected_value=_number(value[i]),
            clv=_number(clv[i]),
            holdout_purchases=None if holdout is None else float(holdout[i]),
        )
        for i in range(len(x))
    )
    return ClvResult(
        bgnbd=bg,
        pareto_nbd=pareto,
        gamma_gamma=spend,
        customers=customers,
        model=model,
        horizon=span,
        discount_rate=discount_rate,
        unit=summary.unit,
        calibration_end=None
        if summary.calibration_end is None
        else summary.calibration_end.isoformat(),
        holdout_length=summary.holdout_length,
    )


def discounted_purchases(
    fit: BgNbd | ParetoNbd,
    horizon: float,
    discount_rate: float,
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,
) -> np.ndarray:
    """Expected purchases over ``horizon``, each step's discounted from its end."""
    steps = max(1, min(MAX_STEPS, math.ceil(horizon)))
    width = horizon / steps
    total = np.zeros(len(x))
    before = np.zeros(len(x))
    for i in range(1, steps + 1):
        after = fit.expected_purchases(i * width, x, t_x, T)
        total += (after - before) / (1.0 + discount_rate) ** (i * width)
        before = after
    return total


def lifetime_value_file(
    location: str | Path,
    *,
    customer: str = "customer_id",
    timestamp: str = "timestamp",
    value: str | None = None,
    calibration_end: date | datetime | str | None = None,
    unit: Unit = "week",
    horizon: float | None = None,
    discount_rate: float = 0.0,
    model: Model = "bgnbd",
) -> ClvResult:
    """:func:`lifetime_value` on a transactions file (summarised per customer by the engine,
    in ``unit``) or on a summary in the lifetimes layout (:mod:`parcours.data.purchases`)."""
    read = read_purchases(location, customer=customer, timestamp=timestamp, value=value)
    try:
        if read.kind == "summary":
            summary = _summary_table(read.connection)
        else:
            read.connection.execute(EVENTS.ddl("events"))
            log = EventLog(read.connection, "events", tables={"orders": "orders"})
            summary = customer_summary(log, calibration_end=calibration_end, unit=unit)
        return lifetime_value(summary, horizon=horizon, discount_rate=discount_rate, model=model)
    finally:
        read.connection.close()


def _summary_table(connection: duckdb.DuckDBPyConnection) -> CustomerSummary:
    rows = connection.execute(
        'SELECT customer_id, frequency, recency, "T", monetary_value FROM summary'
    ).fetchall()
    ids, x, t_x, T, m = zip(*rows, strict=True) if rows else ((), (), (), (), ())
    monetary = np.array([np.nan if v is None else v for v in m], dtype=float)
    frequency = np.asarray(x, dtype=float)
    return CustomerSummary(
        customer_id=tuple(ids),
        frequency=frequency,
        recency=np.asarray(t_x, dtype=float),
        T=np.asarray(T, dtype=float),
        monetary_value=np.where(frequency > 0, monetary, np.nan),
    )


def _number(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None
