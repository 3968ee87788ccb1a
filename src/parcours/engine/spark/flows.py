"""Sankey flows on Spark: the events after (or before) each customer's first anchor event."""

from __future__ import annotations

from typing import TYPE_CHECKING

from parcours.engine.dialect import literal
from parcours.engine.flows_result import END, START, Direction, FlowResult, Link
from parcours.engine.spark.frames import collect

if TYPE_CHECKING:
    from parcours.engine.spark.eventlog import SparkEventLog


def flows(log: SparkEventLog, event: str, steps: int, direction: Direction) -> FlowResult:
    """:func:`parcours.engine.flows` on Spark."""
    sign = 1 if direction == "after" else -1
    missing = literal(END if sign > 0 else START, "spark")
    frame = log.sql(
        f"""WITH o AS (
            SELECT customer_id, event, row_number() OVER (
                PARTITION BY customer_id ORDER BY timestamp, event_seq) AS pos
            FROM {{events}}),
        a AS (SELECT customer_id, min(pos) AS anchor FROM o WHERE event = ? GROUP BY customer_id),
        s AS (SELECT o.customer_id, (o.pos - a.anchor) * {sign} AS d, o.event
              FROM o JOIN a ON o.customer_id = a.customer_id
              WHERE (o.pos - a.anchor) * {sign} BETWEEN 0 AND {int(steps)})
        SELECT s1.d AS d, s1.event AS source, coalesce(s2.event, {missing}) AS target,
               count(*) AS n
        FROM s s1 LEFT JOIN s s2 ON s1.customer_id = s2.customer_id AND s2.d = s1.d + 1
        WHERE s1.d < {int(steps)} GROUP BY 1, 2, 3""",
        [event],
    )
    rows = [
        (int(r["d"]), r["source"], r["target"], int(r["n"])) for r in collect(frame).to_pylist()
    ]
    # every anchored customer has exactly one link from depth 0
    customers = sum(n for d, _, _, n in rows if d == 0)
    if sign > 0:
        links = [Link(d, a, b, n) for d, a, b, n in rows]
    else:
        links = [Link(-d - 1, b, a, n) for d, a, b, n in rows]
    links.sort(key=lambda k: (k.depth, -k.customers, k.source, k.target))
    return FlowResult(event, direction, customers, tuple(links))
