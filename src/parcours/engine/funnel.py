"""Funnels with PostHog semantics: ordered (default), strict and unordered.

Every step-1 event starts an attempt; the conversion window runs from the attempt's step-1 time
and is inclusive; one event fills at most one step; the customer counts at the furthest step of
their best attempt. See :mod:`parcours.engine._funnel_kernel` for the exact rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from parcours.engine.columns import event_columns
from parcours.engine.durations import parse_duration, to_microseconds
from parcours.engine.eventlog import ORDER_BY, EventLog
from parcours.engine.funnel_result import FunnelResult, FunnelSegment, build_steps
from parcours.engine.spark.eventlog import SparkEventLog
from parcours.errors import EngineError

FunnelOrder = Literal["ordered", "strict", "unordered"]
ANY_EVENT = "*"
MAX_STEPS = 60


@dataclass(frozen=True)
class Step:
    """A funnel step: an event name (``*`` for any event), optionally narrowed by a SQL predicate.

    ``where`` is a DuckDB boolean expression over the event columns, e.g.
    ``"channel = 'web'"`` or ``"properties->>'plan' = 'pro'"``.
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


def funnel(
    log: EventLog | SparkEventLog,
    steps: Sequence[str | Step],
    *,
    window: str | timedelta | float = "14d",
    order: FunnelOrder = "ordered",
    exclusions: Sequence[Exclusion] = (),
    breakdown: str | None = None,
    customers: str | None = None,
) -> FunnelResult:
    """Count the customers reaching each step of ``steps`` within ``window`` of step 1.

    ``breakdown`` names an event column (``channel``, ...) or a key of ``properties``; each
    customer is counted under the first non-null value on their step events (first touch). With
    ``customers`` (a table or view of the log's connection with a ``customer_id`` column),
    ``breakdown`` names a column of that table instead. On Spark, ``customers`` names a Spark
    table or view and ``Step.where`` predicates are Spark SQL.
    """
    specs = [s if isinstance(s, Step) else Step(s) for s in steps]
    excl = _check(specs, exclusions, order)
    window_us = to_microseconds(parse_duration(window))
    n = len(specs)
    names = [s.label for s in specs]
    values: list[Any] = []
    if isinstance(log, SparkEventLog):  # the Spark engine (parcours.engine.spark), same rules
        from parcours.engine.spark.funnel import customers_levels

        levels, times, values = customers_levels(
            log, specs, excl, window_us, order, breakdown, customers
        )
    elif breakdown is None and not any(s.where for s in specs):
        levels, times = _on_columns(log, specs, excl, window_us, order)
    else:
        data = _fetch(log, specs, excl, order, breakdown, customers)
        levels, times, values = _run(data, n, window_us, order, specs)
    overall = build_steps(names, levels, times)
    segments: tuple[FunnelSegment, ...] = ()
    if breakdown is not None:
        segments = _segments(names, levels, times, values)
    return FunnelResult(
        steps=overall,
        window_s=window_us / 1e6,
        order=order,
        breakdown=breakdown,
        segments=segments,
    )


def _check(
    specs: Sequence[Step], exclusions: Sequence[Exclusion], order: str
) -> list[tuple[str, int, int]]:
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
    return out


def _match(step: Step) -> tuple[str, list[Any]]:
    cond = "TRUE" if step.event == ANY_EVENT else "event = ?"
    params: list[Any] = [] if step.event == ANY_EVENT else [step.event]
    if step.where:
        cond = f"({cond}) AND ({step.where})"
    return cond, params


def _value(
    log: EventLog, breakdown: str | None, customers: str | None
) -> tuple[str, str, list[Any]]:
    """SQL of the breakdown value, the join it needs, and its parameters."""
    if breakdown is None:
        return "NULL", "", []
    if customers is not None:
        return (
            f'CAST(c."{breakdown}" AS VARCHAR)',
            f"LEFT JOIN {customers} c USING (customer_id)",
            [],
        )
    if breakdown in log.columns() and breakdown != "properties":
        return f'CAST(e."{breakdown}" AS VARCHAR)', "", []
    return "json_extract_string(e.properties, ?)", "", [f'$."{breakdown}"']


def mask_sql(
    specs: Sequence[Step], exclusions: list[tuple[str, int, int]], integer: str = ""
) -> tuple[str, str, list[Any]]:
    """SQL for each event's step bits and exclusion bits, and their parameters; ``integer`` is
    the literal suffix of the engine's 64-bit integers (``L`` on Spark)."""
    params: list[Any] = []
    step_terms = []
    for k, spec in enumerate(specs):
        cond, p = _match(spec)
        step_terms.append(f"CASE WHEN {cond} THEN {1 << k}{integer} ELSE 0{integer} END")
        params += p
    excl_terms = []
    for event, lo, hi in exclusions:
        bits = _gap_bits(lo, hi)
        excl_terms.append(f"CASE WHEN event = ? THEN {bits}{integer} ELSE 0{integer} END")
        params.append(event)
    return " | ".join(step_terms), " | ".join(excl_terms) or f"0{integer}", params


def _any_event(specs: Sequence[Step]) -> int:
    """The bits of the steps that any event fills (``*``)."""
    return sum(1 << k for k, s in enumerate(specs) if s.event == ANY_EVENT)


def _gap_bits(lo: int, hi: int) -> int:
    """Exclusion bits for the gaps between 0-based steps ``lo`` and ``hi`` (bit ``k-1``: the
    gap before 1-based step ``k``)."""
    return sum(1 << i for i in range(lo + 1, hi + 1))


def _fetch(
    log: EventLog,
    specs: Sequence[Step],
    exclusions: list[tuple[str, int, int]],
    order: str,
    breakdown: str | None,
    customers: str | None,
) -> pa.Table:
    step_sql, excl_sql, params = mask_sql(specs, exclusions)
    value_sql, join_sql, value_params = _value(log, breakdown, customers)
    params += value_params
    where = "" if order == "strict" else "WHERE step_mask <> 0 OR excl_mask <> 0"
    sql = f"""
        SELECT customer_id, ts, step_mask, excl_mask, value FROM (
            SELECT e.customer_id, epoch_us(e.timestamp) AS ts, e.event_seq,
                   ({step_sql}) AS step_mask, ({excl_sql}) AS excl_mask, {value_sql} AS value
            FROM {{events}} e {join_sql}
        ) {where}
        ORDER BY {ORDER_BY.replace("timestamp", "ts")}
    """
    return log.arrow(sql, params)


def _run(
    data: pa.Table, n: int, window_us: int, order: str, specs: Sequence[Step]
) -> tuple[np.ndarray, np.ndarray, list[Any]]:
    """The kernel over rows read by a query (each row its own code); the breakdown value of a
    customer is the first non-empty one on their step events."""
    bounds = _boundaries(data.column("customer_id"))
    steps = column(data, "step_mask").astype(np.int64)
    excl = column(data, "excl_mask").astype(np.int64)
    rows = np.arange(len(steps), dtype=np.int32)
    from parcours.engine import _funnel_kernel as kernel  # numba: imported when first needed

    who, levels, times = kernel.run(
        bounds, column(data, "ts"), rows, steps, excl, n, window_us, order, _any_event(specs)
    )
    values = _first_values(data.column("value"), bounds[:-1], steps != 0)
    return levels, times, values[who].tolist()


def _on_columns(
    log: EventLog,
    specs: Sequence[Step],
    exclusions: list[tuple[str, int, int]],
    window_us: int,
    order: str,
) -> tuple[np.ndarray, np.ndarray]:
    """The kernel over the log's hot columns (steps given by event names or ``*``)."""
    cols = event_columns(log)
    every = _any_event(specs)
    step_bits: dict[str, int] = {}
    for k, spec in enumerate(specs):
        if spec.event != ANY_EVENT:
            step_bits[spec.event] = step_bits.get(spec.event, 0) | 1 << k
    excl_bits: dict[str, int] = {}
    for event, lo, hi in exclusions:
        excl_bits[event] = excl_bits.get(event, 0) | _gap_bits(lo, hi)
    from parcours.engine import _funnel_kernel as kernel  # numba: imported when first needed

    _, levels, times = kernel.run(
        cols.bounds,
        cols.ts,
        cols.event,
        cols.bit_sets(step_bits, every),
        cols.bit_sets(excl_bits),
        len(specs),
        window_us,
        order,
        every,
    )
    return levels, times


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


def column(table: pa.Table, name: str) -> np.ndarray:
    """One column as a numpy array."""
    return np.asarray(table.column(name).to_numpy())


def _segments(
    names: list[str], levels: np.ndarray, times: np.ndarray, values: list[Any]
) -> tuple[FunnelSegment, ...]:
    groups: dict[Any, list[int]] = {}
    for i, v in enumerate(values):
        groups.setdefault(v, []).append(i)
    segs = []
    for value, idx in groups.items():
        steps = build_steps(names, levels[idx], times[idx])
        segs.append(FunnelSegment(value=value, steps=steps))
    segs.sort(key=lambda s: (-s.steps[-1].customers, -s.steps[0].customers, str(s.value)))
    return tuple(segs)
