"""What the persona cards of a map read about each segment: per-customer stage reach, totals,
channels and feedback texts, by segment of one kind (:mod:`parcours.engine.customers.members`).

Each function takes a log that holds the ``{segments}`` table; :func:`stage_firsts` takes a log
bound to a journey (its events carry a ``stage`` column: :func:`parcours.engine.binding.bind`).
A customer counts in a segment when the log holds at least one of their events.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from parcours.engine.backend import Backend
from parcours.engine.dialect import literal


def _members(log: Backend, kind: str) -> str:
    return (
        "SELECT customer_id, segment, clv FROM {segments} "
        f"WHERE kind = {literal(kind, log.dialect)}"
    )


def stage_firsts(bound: Backend, kind: str = "cluster") -> pd.DataFrame:
    """segment, customer_id, stage, reached_at (the time of the customer's first event there)."""
    table = bound.arrow(
        f"""SELECT s.segment, e.customer_id, e.stage, min(e.timestamp) AS reached_at
        FROM {{events}} e JOIN ({_members(bound, kind)}) s ON s.customer_id = e.customer_id
        WHERE e.stage IS NOT NULL GROUP BY s.segment, e.customer_id, e.stage
        ORDER BY s.segment, e.customer_id, reached_at, e.stage"""
    )
    return table.to_pandas()


def totals(log: Backend, converted: str | None, kind: str = "cluster") -> list[tuple[Any, ...]]:
    """Per segment: customers, converted customers (``converted``: a predicate on an event; None
    when the journey names no conversion), customers with a CLV, and their summed CLV."""
    flag = f"max(CASE WHEN {converted} THEN 1 ELSE 0 END)" if converted else "0"
    return log.rows(
        f"""SELECT s.segment, count(*), sum(c.converted), count(s.clv), sum(s.clv)
        FROM ({_members(log, kind)}) s
        JOIN (SELECT customer_id, {flag} AS converted FROM {{events}} GROUP BY customer_id) c
          ON c.customer_id = s.customer_id
        GROUP BY s.segment ORDER BY s.segment"""
    )


def channels(log: Backend, kind: str = "cluster") -> list[tuple[Any, ...]]:
    """Per segment and channel: the number of events, largest first."""
    return log.rows(
        f"""SELECT s.segment, e.channel, count(*) AS n
        FROM {{events}} e JOIN ({_members(log, kind)}) s ON s.customer_id = e.customer_id
        WHERE e.channel IS NOT NULL GROUP BY s.segment, e.channel
        ORDER BY s.segment, n DESC, e.channel"""
    )


def feedback_texts(log: Backend, kind: str = "cluster") -> list[tuple[Any, ...]]:
    """Per segment, the feedback texts of its customers (segment, text), in customer order."""
    if not log.has_table("feedback") or "text" not in log.table_columns("feedback"):
        return []
    return log.rows(
        f"""SELECT s.segment, f.text
        FROM {{feedback}} f JOIN ({_members(log, kind)}) s ON s.customer_id = f.customer_id
        WHERE f.text IS NOT NULL AND trim(f.text) <> ''
        ORDER BY s.segment, f.customer_id, f.text"""
    )
