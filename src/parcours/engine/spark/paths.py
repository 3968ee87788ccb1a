"""Paths on Spark: directly-follows graph, starts and ends, variants, case durations, loops.

Three passes over the events give the same :class:`~parcours.engine.paths.PathsResult` as
DuckDB: pairs of consecutive events (a ``lead`` window per customer over (timestamp,
event_seq)) grouped by pair; one row per case (its ordered activities and duration, cached,
much smaller than the events) for variants, starts and durations; and (case, activity) counts
for repetitions. Means come from exact integer sums; medians use the same interpolation as
DuckDB. This module is imported only for a SparkEventLog, so pyspark is installed.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np
from pyspark.sql import functions as F

from parcours.engine.paths_result import DurationStats, Edge, PathsResult, Repetition, Variant
from parcours.engine.spark.frames import collect

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

    from parcours.engine.spark.eventlog import SparkEventLog


def paths(log: SparkEventLog, top_variants: int | None) -> PathsResult:
    """:func:`parcours.engine.paths` on Spark."""
    cases = log.sql(
        """SELECT transform(sort_array(collect_list(struct(timestamp, event_seq, event))),
                            x -> x.event) AS variant,
                  (max(unix_micros(timestamp)) - min(unix_micros(timestamp))) / 1e6 AS duration
           FROM {events} GROUP BY customer_id"""
    ).cache()
    try:
        dfg, activities, ends = _pairs(log)
        n_cases, starts, durations = _cases(cases)
        n_variants, variants = _variants(cases, n_cases, top_variants)
    finally:
        cases.unpersist()
    return PathsResult(
        cases=n_cases,
        events=sum(activities.values()),
        activities=_by_count(activities),
        dfg=dfg,
        start_activities=_by_count(starts),
        end_activities=_by_count(ends),
        n_variants=n_variants,
        variants=variants,
        case_duration=durations,
        self_loops={e.source: e.count for e in dfg if e.source == e.target},
        repetitions=_repetitions(log),
    )


def _rows(frame: DataFrame) -> list[dict[str, Any]]:
    return collect(frame).to_pylist()


def _pairs(log: SparkEventLog) -> tuple[tuple[Edge, ...], dict[str, int], dict[str, int]]:
    """Edges with counts and durations, events per activity, and end activities."""
    pairs = _rows(
        log.sql(
            """SELECT event, next_event, count(*) AS n, sum(gap_us) AS gap_sum,
                      percentile(gap_us, 0.5) AS gap_median
               FROM (SELECT event, lead(event) OVER w AS next_event,
                            lead(unix_micros(timestamp)) OVER w - unix_micros(timestamp) AS gap_us
                     FROM {events}
                     WINDOW w AS (PARTITION BY customer_id ORDER BY timestamp, event_seq))
               GROUP BY event, next_event"""
        )
    )
    activities: dict[str, int] = {}
    ends: dict[str, int] = {}
    edges = []
    for row in pairs:
        event, n = row["event"], int(row["n"])
        activities[event] = activities.get(event, 0) + n
        if row["next_event"] is None:
            ends[event] = n
        else:
            mean = float(Fraction(int(row["gap_sum"]), n)) / 1e6
            edges.append(Edge(event, row["next_event"], n, mean, float(row["gap_median"]) / 1e6))
    edges.sort(key=lambda e: (-e.count, e.source, e.target))
    return tuple(edges), activities, ends


def _cases(cases: DataFrame) -> tuple[int, dict[str, int], DurationStats]:
    """The number of cases, start activities, and case durations (all on the driver: one
    number per case)."""
    starts = {
        str(r["start"]): int(r["n"])
        for r in _rows(
            cases.groupBy(F.col("variant")[0].alias("start")).agg(F.count("*").alias("n"))
        )
    }
    table = collect(cases.select("duration"))
    d = np.sort(table.column("duration").to_numpy(zero_copy_only=False).astype(float))
    n = len(d)
    if not n:
        return 0, starts, DurationStats(0, None, None, None, None, None)
    stats = DurationStats(
        n=n,
        mean=float(d.mean()),
        median=float(d[n // 2]),
        min=float(d[0]),
        max=float(d[-1]),
        p90=float(np.quantile(d, 0.9)),
    )
    return n, starts, stats


def _variants(cases: DataFrame, n_cases: int, top: int | None) -> tuple[int, tuple[Variant, ...]]:
    counted = cases.groupBy("variant").count().cache()
    try:
        n_variants = counted.count()
        ranked = counted.orderBy(F.col("count").desc(), F.col("variant").asc())
        rows = _rows(ranked if top is None else ranked.limit(int(top)))
    finally:
        counted.unpersist()
    variants = tuple(
        Variant(tuple(r["variant"]), int(r["count"]), int(r["count"]) / n_cases) for r in rows
    )
    return n_variants, variants


def _by_count(counts: dict[str, int]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _repetitions(log: SparkEventLog) -> tuple[Repetition, ...]:
    per_event = log.sql(
        """SELECT event, count(*) AS cases, sum(n - 1) AS extra
           FROM (SELECT customer_id, event, count(*) AS n FROM {events}
                 GROUP BY customer_id, event HAVING count(*) > 1)
           GROUP BY event"""
    )
    rows = [Repetition(str(r["event"]), int(r["cases"]), int(r["extra"])) for r in _rows(per_event)]
    rows.sort(key=lambda r: (-r.extra, r.activity))
    return tuple(rows)
