"""A funnel's plan, shared by every engine: its steps, exclusions, window and order, how events
become step bits, and the state machine run over a customer-sorted table of such bits.

The machine's rules are PostHog's (see :mod:`parcours.engine._funnel_kernel`); an engine only
chooses how the rows reach it: hot columns (DuckDB), a query, or Spark partitions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from parcours.errors import EngineError

FunnelOrder = Literal["ordered", "strict", "unordered"]
ANY_EVENT = "*"
MAX_STEPS = 60
#: Per customer who entered: furthest level, step times (µs; customers × steps) and the
#: breakdown value.
FunnelLevels = tuple[np.ndarray, np.ndarray, list[Any]]


@dataclass(frozen=True)
class Step:
    """A funnel step: an event name (``*`` for any event), optionally narrowed by a SQL predicate.

    ``where`` is a boolean expression over the event columns in the log's dialect, e.g.
    ``"channel = 'web'"`` or ``"properties->>'plan' = 'pro'"`` (compile map matchers with
    :func:`parcours.engine.binding.compile_matcher`).
    """

    event: str
    where: str | None = None
    name: str | None = None

    @property
    def label(self) -> str:
        return self.name or self.event


@dataclass(frozen=True)
class Exclusion:
    """Customers doing ``event`` between step ``from_step`` and ``to_step`` (0-based) are removed.

    ``to_step=None`` means the last step.
    """

    event: str
    from_step: int = 0
    to_step: int | None = None


@dataclass(frozen=True)
class FunnelPlan:
    """What an engine runs: checked steps, exclusions as ``(event, from, to)``, the window in
    µs, the order, and the breakdown (a column of the events, a ``properties`` key, or a column
    of the ``customers`` table or view)."""

    steps: tuple[Step, ...]
    exclusions: tuple[tuple[str, int, int], ...]
    window_us: int
    order: FunnelOrder
    breakdown: str | None = None
    customers: str | None = None

    @property
    def names_only(self) -> bool:
        """Whether the steps are event names alone (no predicate, no breakdown)."""
        return self.breakdown is None and not any(s.where for s in self.steps)


def check(
    specs: Sequence[Step], exclusions: Sequence[Exclusion], order: str
) -> tuple[tuple[str, int, int], ...]:
    """The exclusions as ``(event, from, to)`` once the plan is checked."""
    n = len(specs)
    if not 1 <= n <= MAX_STEPS:
        raise EngineError(f"a funnel needs 1 to {MAX_STEPS} steps; got {n}.")
    if order not in ("ordered", "strict", "unordered"):
        raise EngineError(f"unknown funnel order {order!r}; use ordered, strict or unordered.")
    if exclusions and order == "unordered":
        raise EngineError(
            "exclusions are not supported in unordered funnels; use order='ordered' or 'strict'."
        )
    step_events = {s.event for s in specs}
    out = []
    for ex in exclusions:
        to_step = n - 1 if ex.to_step is None else ex.to_step
        if not 0 <= ex.from_step < to_step <= n - 1:
            raise EngineError(
                f"exclusion {ex.event!r}: from_step {ex.from_step} and to_step {to_step} must "
                f"satisfy 0 <= from_step < to_step <= {n - 1} (0-based step indices)."
            )
        if ex.event in step_events or ANY_EVENT in step_events:
            raise EngineError(
                f"exclusion {ex.event!r} is also a step of the funnel; an exclusion must be an "
                "event that is not a step."
            )
        out.append((ex.event, ex.from_step, to_step))
    return tuple(out)


def mask_sql(plan: FunnelPlan, integer: str = "") -> tuple[str, str, list[Any]]:
    """SQL for each event's step bits and exclusion bits, and their parameters; ``integer`` is
    the literal suffix of the engine's 64-bit integers (``L`` on Spark)."""
    params: list[Any] = []
    step_terms = []
    for k, spec in enumerate(plan.steps):
        cond = "TRUE" if spec.event == ANY_EVENT else "event = ?"
        params += [] if spec.event == ANY_EVENT else [spec.event]
        if spec.where:
            cond = f"({cond}) AND ({spec.where})"
        step_terms.append(f"CASE WHEN {cond} THEN {1 << k}{integer} ELSE 0{integer} END")
    excl_terms = []
    for event, lo, hi in plan.exclusions:
        bits = gap_bits(lo, hi)
        excl_terms.append(f"CASE WHEN event = ? THEN {bits}{integer} ELSE 0{integer} END")
        params.append(event)
    return " | ".join(step_terms), " | ".join(excl_terms) or f"0{integer}", params


def any_event(specs: Sequence[Step]) -> int:
    """The bits of the steps that any event fills (``*``)."""
    return sum(1 << k for k, s in enumerate(specs) if s.event == ANY_EVENT)


def gap_bits(lo: int, hi: int) -> int:
    """Exclusion bits for the gaps between 0-based steps ``lo`` and ``hi`` (bit ``k-1``: the
    gap before 1-based step ``k``)."""
    return sum(1 << i for i in range(lo + 1, hi + 1))


def levels_of_rows(data: pa.Table, plan: FunnelPlan) -> FunnelLevels:
    """The machine over rows sorted by customer (columns ``customer_id``, ``ts``, ``step_mask``,
    ``excl_mask``, ``value``; each row its own code); a customer's breakdown value is the first
    non-empty one on their step events."""
    bounds = _boundaries(data.column("customer_id"))
    steps = _column(data, "step_mask").astype(np.int64)
    excl = _column(data, "excl_mask").astype(np.int64)
    rows = np.arange(len(steps), dtype=np.int32)
    from parcours.engine import _funnel_kernel as kernel  # numba: imported when first needed

    who, levels, times = kernel.run(
        bounds,
        _column(data, "ts"),
        rows,
        steps,
        excl,
        len(plan.steps),
        plan.window_us,
        plan.order,
        any_event(plan.steps),
    )
    values = _first_values(data.column("value"), bounds[:-1], steps != 0)
    return levels, times, values[who].tolist()


def _boundaries(ids: pa.ChunkedArray) -> np.ndarray:
    """Start offsets of each customer's run of rows, then the number of rows."""
    m = len(ids)
    if m == 0:
        return np.zeros(1, dtype=np.int64)
    flat = ids.combine_chunks()
    change = pc.not_equal(flat.slice(1), flat.slice(0, m - 1))
    inner = np.flatnonzero(change.to_numpy(zero_copy_only=False)) + 1
    return np.r_[0, inner, m].astype(np.int64)


def _first_values(values: pa.ChunkedArray, starts: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Per customer, the first non-empty value of their ``eligible`` rows (None when none)."""
    flat = values.combine_chunks().cast(pa.string())  # NULL-typed when there is no breakdown
    filled = pc.and_(pc.is_valid(flat), pc.greater(pc.utf8_length(flat), 0))
    filled_rows = pc.fill_null(filled, False).to_numpy(zero_copy_only=False)
    rows = np.flatnonzero(filled_rows & eligible)
    owner = np.searchsorted(starts, rows, side="right") - 1
    first = np.r_[True, owner[1:] != owner[:-1]] if len(owner) else np.zeros(0, dtype=bool)
    out = np.full(len(starts), None, dtype=object)
    out[owner[first]] = flat.take(pa.array(rows[first])).to_pylist()
    return out


def _column(table: pa.Table, name: str) -> np.ndarray:
    """One column as a numpy array."""
    return np.asarray(table.column(name).to_numpy())
