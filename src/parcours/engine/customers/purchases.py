"""The purchases the customer analyses read: the workspace's orders, or events of one name."""

from __future__ import annotations

from datetime import date, datetime

from parcours.engine.backend import Backend
from parcours.engine.dialect import json_text, literal
from parcours.errors import EngineError


def purchases_sql(log: Backend, event: str | None, value: str | None) -> str:
    """SQL of the purchases (customer_id, timestamp, v): the orders, or events named ``event``."""
    if event is None:
        if not log.has_table("orders"):
            raise EngineError(
                "no orders table to take the purchases from: ingest an orders source, or name "
                "the purchase event and the property holding its value."
            )
        amount = value or "amount"
        if amount not in log.table_columns("orders"):
            raise EngineError(f"the orders table has no column {amount!r}.")
        return f"SELECT customer_id, timestamp, {amount} AS v FROM {{orders}}"
    worth = "CAST(NULL AS DOUBLE)"
    if value is not None:
        worth = f"TRY_CAST({json_text(value, log.dialect)} AS DOUBLE)"
    return (
        f"SELECT customer_id, timestamp, {worth} AS v FROM {{events}} "
        f"WHERE event = {literal(event, log.dialect)}"
    )


def day(value: date | datetime | str) -> date:
    """A day from a date, a date-time or ISO text."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise EngineError(f"{value!r} is not a date; write it as YYYY-MM-DD.") from exc
