"""Conversion paths from events on Spark, for the attribution models."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pyspark.sql import functions as F

from parcours.engine.dialect import json_text, quote
from parcours.engine.spark.frames import collect

if TYPE_CHECKING:
    from parcours.engine.spark.eventlog import SparkEventLog


def conversion_rows(
    log: SparkEventLog, conversion: str, value: str | None, channel: str, ages: bool
) -> list[tuple[Any, ...]]:
    """:func:`parcours.engine.paths_from_events` on Spark: one row per (customer, conversion)
    built by a Spark group-by, in (customer, conversion) order, as on DuckDB (without
    ``ages``: one row per distinct channels and conversion, as on DuckDB)."""
    value_sql = "0D"
    if value is not None:
        text = json_text(value, "spark", nested=False)
        value_sql = f"coalesce(try_cast({text} AS DOUBLE), 0D)"
    ch = quote(channel, "spark")
    frame = log.sql(
        f"""WITH e AS (
            SELECT customer_id, unix_micros(timestamp) AS ts, event_seq, {ch} AS ch,
                   {value_sql} AS v, event = ? AS is_conv
            FROM {{events}}),
        g AS (SELECT *, coalesce(sum(CAST(is_conv AS INT)) OVER (
                  PARTITION BY customer_id ORDER BY ts, event_seq
                  ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS k FROM e),
        touches AS (SELECT customer_id, k,
               sort_array(collect_list(CASE WHEN NOT is_conv AND ch IS NOT NULL
                                       THEN struct(ts, event_seq, ch) END)) AS touched,
               bool_or(is_conv) AS converted, max(ts) AS last_ts,
               sum(v) FILTER (WHERE is_conv) AS v
            FROM g GROUP BY customer_id, k)
        SELECT customer_id, k, transform(touched, t -> t.ch) AS channels,
               transform(touched, t -> t.ts) AS times, converted, last_ts, v
        FROM touches""",
        [conversion],
    )
    if not ages:
        grouped = frame.where("size(channels) > 0").groupBy("channels", "converted")
        summed = collect(grouped.agg(F.sum("v").alias("v"), F.count("*").alias("n")))
        found = sorted(summed.to_pylist(), key=lambda r: (r["channels"], r["converted"]))
        return [(r["channels"], None, r["converted"], None, r["v"], r["n"]) for r in found]
    rows = sorted(collect(frame).to_pylist(), key=lambda r: (r["customer_id"], r["k"]))
    return [(r["channels"], r["times"], r["converted"], r["last_ts"], r["v"]) for r in rows]
