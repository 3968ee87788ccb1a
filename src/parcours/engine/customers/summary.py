"""Per-customer purchase summary (frequency, recency, T, monetary value) from the workspace.

The summary the lifetime-value models take (:mod:`parcours.engine.customers.models`), in the
layout of Fader & Hardie and of the ``lifetimes`` package, computed by one query on either
engine. Purchases are the workspace's ``{orders}`` (value: ``amount``), or the events named
``event`` (value: the property ``value`` names). Purchases of one customer on one calendar day
(UTC) count as one purchase, of their summed value. Up to the calibration end (a day, included;
by default the last purchase day):

- ``frequency``: the number of purchase days after the first (repeat purchases);
- ``recency``: days from the first purchase day to the last, in ``unit``;
- ``T``: days from the first purchase day to the calibration end, in ``unit``;
- ``monetary_value``: the mean value of the repeat purchase days (``None`` without any);
- ``holdout``: the purchase days after the calibration end (up to the last purchase day).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

import numpy as np
import pandas as pd

from parcours.engine.backend import Backend
from parcours.engine.customers.purchases import day as _day
from parcours.engine.customers.purchases import purchases_sql
from parcours.engine.dialect import literal, period_index
from parcours.errors import EngineError

Unit = Literal["day", "week", "month"]
#: Days in each time unit of a summary (a month is a twelfth of a Julian year).
UNIT_DAYS: dict[str, float] = {"day": 1.0, "week": 7.0, "month": 365.25 / 12}


@dataclass(frozen=True, eq=False)
class CustomerSummary:
    """One row per customer: repeat purchases, recency, age and mean repeat value."""

    customer_id: tuple[str, ...]
    frequency: np.ndarray
    recency: np.ndarray
    T: np.ndarray
    monetary_value: np.ndarray  # NaN where unknown (no repeat purchase, or no value)
    unit: str | None = None  # None: a summary file's own unit
    calibration_end: date | None = None
    holdout: np.ndarray | None = None  # purchase days after calibration_end
    holdout_length: float | None = None  # in unit

    def __post_init__(self) -> None:
        n = len(self.customer_id)
        for name in ("frequency", "recency", "T", "monetary_value"):
            if len(getattr(self, name)) != n:
                raise EngineError(
                    f"summary column {name} has {len(getattr(self, name))} rows, not {n}."
                )

    def __len__(self) -> int:
        return len(self.customer_id)

    @property
    def has_value(self) -> bool:
        """Whether some customer has a repeat purchase with a value (for Gamma-Gamma)."""
        return bool(np.any((self.frequency > 0) & np.isfinite(self.monetary_value)))

    def to_frame(self) -> pd.DataFrame:
        frame = pd.DataFrame(
            {
                "customer_id": list(self.customer_id),
                "frequency": self.frequency,
                "recency": self.recency,
                "T": self.T,
                "monetary_value": self.monetary_value,
            }
        )
        if self.holdout is not None:
            frame["holdout"] = self.holdout
        return frame

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "calibration_end": None if self.calibration_end is None else str(self.calibration_end),
            "holdout_length": self.holdout_length,
            "customers": [
                {
                    k: (None if isinstance(v, float) and not np.isfinite(v) else v)
                    for k, v in row.items()
                }
                for row in self.to_frame().to_dict(orient="records")
            ],
        }

    def _repr_html_(self) -> str:
        return str(self.to_frame().head(50).to_html(index=False))


def customer_summary(
    log: Backend,
    *,
    event: str | None = None,
    value: str | None = None,
    calibration_end: date | datetime | str | None = None,
    unit: Unit = "week",
) -> CustomerSummary:
    """The purchase summary of each customer of ``log`` (see the module's docstring)."""
    if unit not in UNIT_DAYS:
        raise EngineError(f"unknown time unit {unit!r}; use one of {', '.join(UNIT_DAYS)}.")
    dialect = log.dialect
    source = purchases_sql(log, event, value)
    days = (
        "SELECT customer_id, CAST(timestamp AS DATE) AS d, sum(v) AS v "
        f"FROM ({source}) s GROUP BY customer_id, CAST(timestamp AS DATE)"
    )
    bounds = log.rows(f"SELECT min(d), max(d), count(*) FROM ({days}) q")
    first_day, last_day, count = bounds[0]
    if not count:
        what = "orders" if event is None else f"events named {event!r}"
        raise EngineError(f"no purchases found: the log has no {what}.")
    end = _day(calibration_end) if calibration_end is not None else _day(last_day)
    if end < _day(first_day):
        raise EngineError(
            f"the calibration end {end} is before the first purchase ({first_day}); choose a "
            "later date."
        )
    end_sql = f"DATE {literal(end.isoformat(), dialect)}"

    def gap(start: str, stop: str) -> str:
        return period_index("day", start, stop, dialect)

    rows = log.rows(
        f"""WITH days AS ({days}),
        firsts AS (SELECT customer_id, min(d) AS f FROM days GROUP BY customer_id)
        SELECT y.customer_id,
            sum(CASE WHEN y.d <= {end_sql} THEN 1 ELSE 0 END) - 1 AS frequency,
            max(CASE WHEN y.d <= {end_sql} THEN {gap("x.f", "y.d")} END) AS recency,
            {gap("x.f", end_sql)} AS age,
            sum(CASE WHEN y.d > x.f AND y.d <= {end_sql} THEN y.v END)
              / sum(CASE WHEN y.d > x.f AND y.d <= {end_sql} AND y.v IS NOT NULL
                    THEN 1 ELSE 0 END) AS monetary,
            sum(CASE WHEN y.d > {end_sql} THEN 1 ELSE 0 END) AS holdout
        FROM days y JOIN firsts x ON x.customer_id = y.customer_id
        WHERE x.f <= {end_sql}
        GROUP BY y.customer_id, x.f ORDER BY y.customer_id"""
    )
    scale = UNIT_DAYS[unit]
    frame = pd.DataFrame(
        rows, columns=["customer_id", "frequency", "recency", "T", "monetary", "holdout"]
    )
    # A first purchase on the calibration end day has T = 0: its customer has no history yet.
    frame = frame[frame["T"] > 0]
    monetary = pd.to_numeric(frame["monetary"], errors="coerce").to_numpy(float)
    return CustomerSummary(
        customer_id=tuple(str(c) for c in frame["customer_id"]),
        frequency=frame["frequency"].to_numpy(float),
        recency=frame["recency"].to_numpy(float) / scale,
        T=frame["T"].to_numpy(float) / scale,
        monetary_value=monetary,
        unit=unit,
        calibration_end=end,
        holdout=frame["holdout"].to_numpy(float),
        holdout_length=max(0.0, (_day(last_day) - end).days / scale),
    )
