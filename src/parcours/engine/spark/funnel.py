"""Funnels on Spark: the DuckDB engine's per-customer state machine, run on each partition.

Events are range-partitioned by customer and sorted within partitions by (customer_id,
timestamp, event_seq); each partition goes through
:func:`parcours.engine.funnel_plan.levels_of_rows` (the PostHog state machine of
:mod:`parcours.engine._funnel_kernel`) with ``mapInArrow``. The
per-customer results come back to the driver in customer order, where the same code as on
DuckDB builds the steps and segments, so both engines give identical results.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from parcours.engine.dialect import json_text, quote
from parcours.engine.funnel_plan import FunnelLevels, FunnelPlan, levels_of_rows, mask_sql
from parcours.engine.spark.frames import collect

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

    from parcours.engine.spark.eventlog import SparkEventLog

#: What each partition returns: one row per customer who entered the funnel.
RESULT_SCHEMA = "level BIGINT, times ARRAY<BIGINT>, value STRING"


def funnel_levels(log: SparkEventLog, plan: FunnelPlan) -> FunnelLevels:
    """:func:`parcours.engine.funnel` on Spark: per customer who entered, level, step times and
    breakdown value, computed on the executors and collected in customer order."""
    n = len(plan.steps)
    rows = _prepare(log, plan)
    by_customer = rows.repartitionByRange("customer_id").sortWithinPartitions(
        "customer_id", "ts", "event_seq"
    )
    result = collect(by_customer.mapInArrow(partial(_partition, plan=plan), RESULT_SCHEMA))
    levels = result.column("level").to_numpy().astype(np.int64)
    return levels, _times(result.column("times"), n), result.column("value").to_pylist()


def _prepare(log: SparkEventLog, plan: FunnelPlan) -> DataFrame:
    """The rows the state machine reads: customer, time (µs), seq, step and exclusion bits."""
    step_sql, excl_sql, args = mask_sql(plan, "L")
    value_sql, join_sql = "CAST(NULL AS STRING)", ""
    breakdown = plan.breakdown
    if breakdown is not None and plan.customers is not None:
        value_sql = f"CAST(c.{quote(breakdown, 'spark')} AS STRING)"
        join_sql = f"LEFT JOIN {plan.customers} c USING (customer_id)"
    elif breakdown is not None:
        value_sql = (
            f"CAST(e.{quote(breakdown, 'spark')} AS STRING)"
            if log.has_column(breakdown) and breakdown != "properties"
            else json_text(breakdown, "spark", nested=False)
        )
    where = "" if plan.order == "strict" else "WHERE step_mask <> 0 OR excl_mask <> 0"
    return log.sql(
        f"""SELECT customer_id, ts, event_seq, step_mask, excl_mask, value FROM (
            SELECT e.customer_id, unix_micros(e.timestamp) AS ts, e.event_seq,
                   ({step_sql}) AS step_mask, ({excl_sql}) AS excl_mask, {value_sql} AS value
            FROM {{events}} e {join_sql}) {where}""",
        args,
    )


def _partition(batches: Iterator[pa.RecordBatch], *, plan: FunnelPlan) -> Iterator[pa.RecordBatch]:
    """One partition, sorted by customer: the state machine over each whole customer (a
    customer split across Arrow batches is carried to the next batch)."""
    carry: pa.Table | None = None
    for batch in batches:
        table = pa.Table.from_batches([batch])
        if carry is not None:
            table = pa.concat_tables([carry, table])
        if table.num_rows == 0:
            continue
        ids = table.column("customer_id").combine_chunks()
        last = ids[len(ids) - 1]
        cut = int(np.argmax(pc.equal(ids, last).to_numpy(zero_copy_only=False)))
        if cut:
            yield _customers(table.slice(0, cut), plan)
        carry = table.slice(cut)
    if carry is not None and carry.num_rows:
        yield _customers(carry, plan)


def _customers(table: pa.Table, plan: FunnelPlan) -> pa.RecordBatch:
    levels, times, values = levels_of_rows(table, plan)
    stamps = [[int(t) for t in row[:level]] for row, level in zip(times, levels, strict=True)]
    return pa.RecordBatch.from_pydict(
        {
            "level": pa.array(levels, pa.int64()),
            "times": pa.array(stamps, pa.list_(pa.int64())),
            "value": pa.array(values, pa.string()),
        }
    )


def _times(column: pa.ChunkedArray, n: int) -> np.ndarray:
    """Step times as a customers × steps array (zero past each customer's level)."""
    lists = column.combine_chunks()
    out = np.zeros((len(lists), n), dtype=np.int64)
    if not len(lists):
        return out
    lengths = pc.list_value_length(lists).to_numpy(zero_copy_only=False)
    rows = np.repeat(np.arange(len(lists)), lengths)
    offsets = np.r_[0, np.cumsum(lengths)[:-1]]
    cols = np.arange(len(rows)) - np.repeat(offsets, lengths)
    out[rows, cols] = lists.flatten().to_numpy(zero_copy_only=False)
    return out
