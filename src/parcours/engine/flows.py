"""What customers do just after (or just before) an event: Sankey links around an anchor.

For each customer, the anchor is their first event named ``event``. Positions count events from
the anchor (0) in (timestamp, event_seq) order: ``1, 2, ...`` after it, ``-1, -2, ...`` before.
A link joins the events at two consecutive positions; a path that stops early flows into
``(end)`` (after) or comes from ``(start)`` (before).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

import pandas as pd

from parcours.engine.eventlog import ORDER_BY, EventLog
from parcours.engine.spark.eventlog import SparkEventLog
from parcours.errors import EngineError

END = "(end)"
START = "(start)"


@dataclass(frozen=True)
class Link:
    """``customers`` went from ``source`` at position ``depth`` to ``target`` at ``depth + 1``."""

    depth: int
    source: str
    target: str
    customers: int


@dataclass(frozen=True)
class FlowResult:
    """Sankey links around ``event``; ``customers`` is the number of customers with the anchor."""

    event: str
    direction: str
    customers: int
    links: tuple[Link, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "event": self.event,
            "direction": self.direction,
            "customers": self.customers,
            "links": [[k.depth, k.source, k.target, k.customers] for k in self.links],
        }

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([asdict(k) for k in self.links])

    def _repr_html_(self) -> str:
        return str(self.to_frame().to_html(index=False))


def flows(
    log: EventLog | SparkEventLog,
    event: str,
    *,
    steps: int = 3,
    direction: Literal["after", "before"] = "after",
) -> FlowResult:
    """The ``steps`` events after (or before) each customer's first ``event``, as Sankey links."""
    if isinstance(log, SparkEventLog):  # the Spark engine (parcours.engine.spark)
        from parcours.engine.spark.flows import flows as on_spark

        return on_spark(log, event, steps=steps, direction=direction)
    if steps < 1:
        raise EngineError(f"steps must be at least 1; got {steps}.")
    if direction not in ("after", "before"):
        raise EngineError(f"unknown direction {direction!r}; use 'after' or 'before'.")
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
