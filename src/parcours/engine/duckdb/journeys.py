"""Conversion paths on DuckDB: one row per (customer, conversion), built by one query."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from parcours.engine.dialect import quote

if TYPE_CHECKING:
    from parcours.engine.duckdb.eventlog import EventLog


def conversion_rows(
    log: EventLog, conversion: str, value: str | None, channel: str, ages: bool
) -> list[tuple[Any, ...]]:
    """Per customer and conversion, in that order: touch channels, touch times (µs), converted,
    last time (µs), conversion value (read by
    :func:`parcours.engine.conversion_paths.paths_from_rows`); without ``ages``, one row per
    distinct (channels, converted) with no times, the summed value and the number of rows."""
    value_sql = "0.0"
    params: list[object] = [conversion]
    if value is not None:
        value_sql = "coalesce(TRY_CAST(json_extract_string(properties, ?) AS DOUBLE), 0)"
        params = [f'$."{value}"', conversion]
    per_conversion = f"""WITH e AS (
            SELECT customer_id, epoch_us(timestamp) AS ts, {quote(channel)} AS ch,
                   {value_sql} AS v, event = ? AS is_conv, event_seq AS seq
            FROM {{events}}),
        g AS (SELECT *, sum(is_conv::INT) OVER (PARTITION BY customer_id ORDER BY ts, seq
                  ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS k FROM e)
        SELECT list(ch ORDER BY ts, seq) FILTER (WHERE NOT is_conv AND ch IS NOT NULL) AS chs,
               list(ts ORDER BY ts, seq) FILTER (WHERE NOT is_conv AND ch IS NOT NULL),
               bool_or(is_conv) AS conv, max(ts), sum(v) FILTER (WHERE is_conv) AS v
        FROM g GROUP BY customer_id, coalesce(k, 0) ORDER BY customer_id, coalesce(k, 0)"""
    if ages:
        return log.rows(per_conversion, params)
    return log.rows(
        f"SELECT chs, NULL, conv, NULL, sum(v), count(*) FROM ({per_conversion}) q "
        "WHERE chs IS NOT NULL GROUP BY chs, conv ORDER BY chs, conv",
        params,
    )
