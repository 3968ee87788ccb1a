"""Conversion paths on DuckDB: one row per (customer, conversion), built by one query."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from parcours.engine.dialect import quote

if TYPE_CHECKING:
    from parcours.engine.duckdb.eventlog import EventLog


def conversion_rows(
    log: EventLog, conversion: str, value: str | None, channel: str
) -> list[tuple[Any, ...]]:
    """Per customer and conversion, in that order: touch channels, touch times (µs), converted,
    last time (µs), conversion value (read by
    :func:`parcours.engine.conversion_paths.paths_from_rows`)."""
    value_sql = "0.0"
    params: list[object] = [conversion]
    if value is not None:
        value_sql = "coalesce(TRY_CAST(json_extract_string(properties, ?) AS DOUBLE), 0)"
        params = [f'$."{value}"', conversion]
    return log.rows(
        f"""WITH e AS (
            SELECT customer_id, epoch_us(timestamp) AS ts, {quote(channel)} AS ch,
                   {value_sql} AS v, event = ? AS is_conv,
                   row_number() OVER (ORDER BY customer_id, timestamp, event_seq) AS rn
            FROM {{events}}),
        g AS (SELECT *, sum(is_conv::INT) OVER (PARTITION BY customer_id ORDER BY rn
                  ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS k FROM e)
        SELECT list(ch ORDER BY rn) FILTER (WHERE NOT is_conv AND ch IS NOT NULL),
               list(ts ORDER BY rn) FILTER (WHERE NOT is_conv AND ch IS NOT NULL),
               bool_or(is_conv), max(ts), sum(v) FILTER (WHERE is_conv)
        FROM g GROUP BY customer_id, coalesce(k, 0) ORDER BY customer_id, coalesce(k, 0)""",
        params,
    )
