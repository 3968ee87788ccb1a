"""Loops and rework: customers who come back to a stage or a touchpoint they had left (shipping,
then the cart, then shipping again), per calendar period of their first event there and per
channel, on the log's own engine.

A customer *returns* to a place when their events, in their one order (time, then
``event_seq``), reach it, leave it for another place of the map, and reach it again; events
bound to no place are skipped. The log must be bound (:func:`parcours.engine.binding.bind`).
"""

from __future__ import annotations

from collections.abc import Hashable

from parcours.engine.backend import Backend
from parcours.engine.dialect import first_by
from parcours.engine.period import Every, Period
from parcours.engine.returns_result import Returns

__all__ = ["Returns", "returns", "returns_sql"]


def returns(log: Backend, every: Every | None) -> list[Returns]:
    """Per place, period and channel: the customers and those who returned (see the module),
    on the log's engine (a compiled pass on DuckDB, :func:`returns_sql` on Spark)."""
    return log.returns(every)


def returns_sql(log: Backend, every: Every | None) -> list[Returns]:
    """:func:`returns` in SQL, on any engine: one ordered pass (a window) over the events
    bound to a stage gives both levels."""
    period = (
        "CAST(NULL AS DATE)" if every is None else f"CAST(date_trunc('{every}', first) AS DATE)"
    )
    order = "timestamp, event_seq" if log.has_column("event_seq") else "timestamp"
    window = f"OVER (PARTITION BY customer_id ORDER BY {order})"
    place = "CASE l.level WHEN 'stage' THEN w.stage ELSE w.touchpoint END"
    previous = "CASE l.level WHEN 'stage' THEN w.ps ELSE w.pt END"
    found = log.rows(  # one window over the events; each event read at both levels
        f"SELECT level, place, {period} AS p, channel, count(*), "
        "sum(CASE WHEN runs >= 2 THEN 1 ELSE 0 END), sum(runs) FROM ("
        "SELECT customer_id, level, place, min(timestamp) AS first, "
        f"{first_by(log.dialect)}(channel, timestamp) AS channel, count(*) AS runs FROM ("
        f"SELECT w.customer_id, w.timestamp, w.channel, l.level, {place} AS place, "
        f"{previous} AS previous FROM (SELECT customer_id, timestamp, channel, stage, "
        f"touchpoint, lag(stage) {window} AS ps, lag(touchpoint) {window} AS pt "
        "FROM {events} WHERE stage IS NOT NULL) w "
        "CROSS JOIN (VALUES ('stage'), ('touchpoint')) AS l(level)) r "
        "WHERE place IS NOT NULL AND (previous IS NULL OR previous <> place) "
        "GROUP BY customer_id, level, place) q GROUP BY 1, 2, 3, 4"
    )
    return [
        Returns(
            str(level), str(place), _day(p), None if c is None else str(c), int(n), int(r), int(v)
        )
        for level, place, p, c, n, r, v in found
    ]


def _day(value: Hashable | None) -> Period:
    """A period key as a date (Spark and DuckDB may give a datetime)."""
    if value is None:
        return None
    return value.date() if hasattr(value, "date") and callable(value.date) else value  # type: ignore[return-value]
