"""Sankey flows on DuckDB: the events after (or before) each customer's first anchor event."""

from __future__ import annotations

from typing import TYPE_CHECKING

from parcours.engine.flows_result import END, START, Direction, FlowResult, Link

if TYPE_CHECKING:
    from parcours.engine.duckdb.eventlog import EventLog

ORDER_BY = "customer_id, timestamp, event_seq"


def flows(log: EventLog, event: str, steps: int, direction: Direction) -> FlowResult:
    """:func:`parcours.engine.flows` on DuckDB."""
    sign = 1 if direction == "after" else -1
    base = f"""
        WITH o AS (
            SELECT customer_id, event, row_number() OVER (
                PARTITION BY customer_id ORDER BY {ORDER_BY}) AS pos
            FROM {{events}}),
        a AS (SELECT customer_id, min(pos) AS anchor FROM o WHERE event = ? GROUP BY ALL),
        s AS (SELECT o.customer_id, (o.pos - a.anchor) * {sign} AS d, o.event
              FROM o JOIN a USING (customer_id)
              WHERE (o.pos - a.anchor) * {sign} BETWEEN 0 AND ?)
    """
    ((customers,),) = log.execute(
        f"{base} SELECT count(*) FROM s WHERE d = 0", [event, steps]
    ).fetchall()
    rows = log.execute(
        f"""{base}
        SELECT s1.d, s1.event, coalesce(s2.event, ?), count(*) AS n
        FROM s s1 LEFT JOIN s s2 ON s1.customer_id = s2.customer_id AND s2.d = s1.d + 1
        WHERE s1.d < ? GROUP BY ALL ORDER BY s1.d, n DESC, 2, 3""",
        [event, steps, END if sign > 0 else START, steps],
    ).fetchall()
    if sign > 0:
        links = [Link(int(d), str(a), str(b), int(n)) for d, a, b, n in rows]
    else:
        links = [Link(-int(d) - 1, str(b), str(a), int(n)) for d, a, b, n in rows]
        links.sort(key=lambda k: (k.depth, -k.customers, k.source, k.target))
    return FlowResult(event, direction, int(customers), tuple(links))
