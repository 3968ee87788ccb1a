"""Funnels on DuckDB: the state machine over the log's hot columns when steps are event names,
else over the rows of one query giving each event's step bits."""

from __future__ import annotations

from typing import TYPE_CHECKING

from parcours.engine.dialect import quote
from parcours.engine.funnel_plan import (
    ANY_EVENT,
    FunnelLevels,
    FunnelPlan,
    any_event,
    gap_bits,
    levels_of_rows,
    mask_sql,
)

if TYPE_CHECKING:
    from parcours.engine.duckdb.eventlog import EventLog


def funnel_levels(log: EventLog, plan: FunnelPlan) -> FunnelLevels:
    """:func:`parcours.engine.funnel` on DuckDB: per customer who entered, level, step times
    and breakdown value."""
    if plan.names_only:
        return _on_columns(log, plan)
    return levels_from_query(log, plan)


def levels_from_query(log: EventLog, plan: FunnelPlan) -> FunnelLevels:
    """The machine over the rows of one query giving each event's step and exclusion bits."""
    step_sql, excl_sql, params = mask_sql(plan)
    value_sql, join_sql, value_params = _value(log, plan)
    params += value_params
    where = "" if plan.order == "strict" else "WHERE step_mask <> 0 OR excl_mask <> 0"
    data = log.arrow(
        f"""SELECT customer_id, ts, step_mask, excl_mask, value FROM (
            SELECT e.customer_id, epoch_us(e.timestamp) AS ts, e.event_seq,
                   ({step_sql}) AS step_mask, ({excl_sql}) AS excl_mask, {value_sql} AS value
            FROM {{events}} e {join_sql}
        ) {where}
        ORDER BY customer_id, ts, event_seq""",
        params,
    )
    return levels_of_rows(data, plan)


def _value(log: EventLog, plan: FunnelPlan) -> tuple[str, str, list[object]]:
    """SQL of the breakdown value, the join it needs, and its parameters."""
    breakdown = plan.breakdown
    if breakdown is None:
        return "NULL", "", []
    if plan.customers is not None:
        return (
            f"CAST(c.{quote(breakdown)} AS VARCHAR)",
            f"LEFT JOIN {plan.customers} c USING (customer_id)",
            [],
        )
    if log.has_column(breakdown) and breakdown != "properties":
        return f"CAST(e.{quote(breakdown)} AS VARCHAR)", "", []
    return "json_extract_string(e.properties, ?)", "", [f'$."{breakdown}"']


def _on_columns(log: EventLog, plan: FunnelPlan) -> FunnelLevels:
    """The machine over the log's hot columns (steps given by event names or ``*``)."""
    cols = log.hot_columns()
    every = any_event(plan.steps)
    step_bits: dict[str, int] = {}
    for k, spec in enumerate(plan.steps):
        if spec.event != ANY_EVENT:
            step_bits[spec.event] = step_bits.get(spec.event, 0) | 1 << k
    excl_bits: dict[str, int] = {}
    for event, lo, hi in plan.exclusions:
        excl_bits[event] = excl_bits.get(event, 0) | gap_bits(lo, hi)
    from parcours.engine import _funnel_kernel as kernel  # numba: imported when first needed

    _, levels, times = kernel.run(
        cols.bounds,
        cols.ts,
        cols.event,
        cols.bit_sets(step_bits, every),
        cols.bit_sets(excl_bits),
        len(plan.steps),
        plan.window_us,
        plan.order,
        every,
    )
    return levels, times, [None] * len(levels)
