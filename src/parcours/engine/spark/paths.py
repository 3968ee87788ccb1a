"""Paths on Spark: directly-follows graph, starts and ends, variants, case durations, loops.

One window pass (``lead`` and ``row_number`` per customer over (timestamp, event_seq)) is cached;
a few group-bys over it give the same :class:`~parcours.engine.paths.PathsResult` as DuckDB.
Means are computed from exact integer sums, medians with the same interpolation as DuckDB.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np
from pyspark.sql import functions as F

from parcours.engine.paths import DurationStats, Edge, PathsResult, Repetition, Variant
from parcours.engine.spark.eventlog import SparkEventLog, collect

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

# Imported only through a SparkEventLog, so pyspark is there (see parcours.engine.spark).


def paths(log: SparkEventLog, *, top_variants: int | None = 20) -> PathsResult:
    """:func:`parcours.engine.paths` on Spark."""
    steps = log.sql(
        """SELECT customer_id, event, unix_micros(timestamp) AS ts,
               lead(event) OVER w AS next_event,
               lead(unix_micros(timestamp)) OVER w - unix_micros(timestamp) AS gap_us,
               row_number() OVER w AS pos
        FROM {events}
        WINDOW w AS (PARTITION BY customer_id ORDER BY timestamp, event_seq)"""
    ).cache()
    try:
        return _summarise(steps, top_variants)
    finally:
        steps.unpersist()


def _rows(frame: DataFrame) -> list[dict[str, Any]]:
    return collect(frame).to_pylist()


def _summarise(steps: DataFrame, top: int | None) -> PathsResult:
    pairs = _rows(
        steps.groupBy("event", "next_event").agg(
            F.count(F.lit(1)).alias("n"),
            F.sum("gap_us").alias("gap_sum"),
            F.percentile("gap_us", 0.5).alias("gap_median"),
            F.count_if(F.col("pos") == 1).alias("starts"),
        )
    )
    activities: dict[str, int] = {}
    starts: dict[str, int] = {}
    ends: dict[str, int] = {}
    edges = []
    for row in pairs:
        event, n = row["event"], int(row["n"])
        activities[event] = activities.get(event, 0) + n
        if row["starts"]:
            starts[event] = starts.get(event, 0) + int(row["starts"])
        if row["next_event"] is None:
            ends[event] = n
        else:
            mean = float(Fraction(int(row["gap_sum"]), n)) / 1e6
            edges.append(Edge(event, row["next_event"], n, mean, float(row["gap_median"]) / 1e6))
    edges.sort(key=lambda e: (-e.count, e.source, e.target))
    dfg = tuple(edges)
    cases = sum(starts.values())
    n_variants, variants = _variants(steps, cases, top)
    return PathsResult(
        cases=cases,
        events=sum(activities.values()),
        activities=_by_count(activities),
        dfg=dfg,
        start_activities=_by_count(starts),
        end_activities=_by_count(ends),
        n_variants=n_variants,
        variants=variants,
        case_duration=_durations(steps),
        self_loops={e.source: e.count for e in dfg if e.source == e.target},
        repetitions=_repetitions(steps),
    )


def _by_count(counts: dict[str, int]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _per_case(steps: DataFrame) -> DataFrame:
    return steps.groupBy("customer_id").agg(
        F.expr("transform(sort_array(collect_list(struct(pos, event))), x -> x.event)").alias(
            "variant"
        ),
        F.expr("(max(ts) - min(ts)) / 1e6").alias("duration"),
    )


def _variants(steps: DataFrame, cases: int, top: int | None) -> tuple[int, tuple[Variant, ...]]:
    counted = _per_case(steps).groupBy("variant").count().cache()
    try:
        n_variants = counted.count()
        ranked = counted.orderBy(F.expr("count").desc(), F.expr("variant").asc())
        rows = _rows(ranked if top is None else ranked.limit(int(top)))
    finally:
        counted.unpersist()
    variants = tuple(
        Variant(tuple(r["variant"]), int(r["count"]), int(r["count"]) / cases) for r in rows
    )
    return n_variants, variants


def _durations(steps: DataFrame) -> DurationStats:
    table = collect(_per_case(steps).select("duration"))
    d = np.sort(table.column("duration").to_numpy(zero_copy_only=False).astype(float))
    n = len(d)
    if not n:
        return DurationStats(0, None, None, None, None, None)
    return DurationStats(
        n=n,
        mean=float(d.mean()),
        median=float(d[n // 2]),
        min=float(d[0]),
        max=float(d[-1]),
        p90=float(np.quantile(d, 0.9)),
    )


def _repetitions(steps: DataFrame) -> tuple[Repetition, ...]:
    repeated = steps.groupBy("customer_id", "event").count().where("count > 1")
    per_event = repeated.groupBy("event").agg(
        F.count(F.lit(1)).alias("cases"), F.sum(F.col("count") - 1).alias("extra")
    )
    rows = [Repetition(str(r["event"]), int(r["cases"]), int(r["extra"])) for r in _rows(per_event)]
    rows.sort(key=lambda r: (-r.extra, r.activity))
    return tuple(rows)
