"""Typed funnel results: per step counts, conversion, drop-off and time to convert."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class FunnelStep:
    """One step of a funnel.

    ``conversion_from_previous`` and ``conversion_from_first`` are shares (0-1) of the customers
    at the previous and the first step; ``drop_off`` counts the customers of the previous step who
    did not reach this one. Times to convert are in seconds, from the previous step of each
    customer's best attempt; as in PostHog, zero durations (same-timestamp steps) are left out.
    """

    name: str
    customers: int
    conversion_from_previous: float | None
    conversion_from_first: float | None
    drop_off: int
    drop_off_rate: float | None
    average_time_to_convert_s: float | None
    median_time_to_convert_s: float | None


@dataclass(frozen=True)
class FunnelSegment:
    """The funnel of the customers that share one breakdown value."""

    value: Any
    steps: tuple[FunnelStep, ...]


@dataclass(frozen=True)
class FunnelResult:
    """A funnel: overall steps and, with a breakdown, one segment per value."""

    steps: tuple[FunnelStep, ...]
    window_s: float
    order: str
    breakdown: str | None = None
    segments: tuple[FunnelSegment, ...] = ()

    @property
    def counts(self) -> list[int]:
        """Customers per step, overall."""
        return [s.customers for s in self.steps]

    def segment(self, value: Any) -> FunnelSegment:
        """The segment of one breakdown value (KeyError when absent)."""
        for seg in self.segments:
            if seg.value == value:
                return seg
        raise KeyError(value)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "order": self.order,
            "window_s": self.window_s,
            "steps": [asdict(s) for s in self.steps],
        }
        if self.breakdown is not None:
            out["breakdown"] = self.breakdown
            out["segments"] = [
                {"value": seg.value, "steps": [asdict(s) for s in seg.steps]}
                for seg in self.segments
            ]
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per step; with a breakdown, one row per (segment, step) after the overall
        rows, whose segment is ``None``."""
        rows = [{"step": i + 1, **asdict(s)} for i, s in enumerate(self.steps)]
        if self.breakdown is None:
            return pd.DataFrame(rows)
        rows = [{"segment": None, **r} for r in rows]
        for seg in self.segments:
            rows += [
                {"segment": seg.value, "step": i + 1, **asdict(s)} for i, s in enumerate(seg.steps)
            ]
        return pd.DataFrame(rows)

    def _repr_html_(self) -> str:
        return str(self.to_frame().to_html(index=False))


def build_steps(
    names: Sequence[str], levels: np.ndarray, times: np.ndarray
) -> tuple[FunnelStep, ...]:
    """Steps from each customer's level (furthest step, 1-based) and step times (microseconds,
    one row per customer, one column per step; columns at or past the level are ignored)."""
    n = len(names)
    counts = [int(np.count_nonzero(levels >= k + 1)) for k in range(n)]
    durations: list[np.ndarray] = [np.zeros(0)]
    for k in range(1, n):
        reached = np.flatnonzero(levels > k)
        delta = (times[reached, k] - times[reached, k - 1]) / 1e6
        durations.append(delta[delta > 0])
    steps = []
    for k, name in enumerate(names):
        prev = counts[k - 1] if k else counts[0]
        lost = prev - counts[k]
        steps.append(
            FunnelStep(
                name=name,
                customers=counts[k],
                conversion_from_previous=_share(counts[k], prev) if k else None,
                conversion_from_first=_share(counts[k], counts[0]),
                drop_off=lost,
                drop_off_rate=_share(lost, prev) if k else None,
                average_time_to_convert_s=float(np.mean(durations[k]))
                if len(durations[k])
                else None,
                median_time_to_convert_s=float(np.median(durations[k]))
                if len(durations[k])
                else None,
            )
        )
    return tuple(steps)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None
