"""Read events in (customer, timestamp, event_seq) order without sorting when they are stored so.

The workspace keeps its ``events`` table physically sorted; DuckDB returns a plain scan in
storage order, so a sequence analysis can skip the global sort. The order is checked on the rows
read (each customer's rows contiguous and in (timestamp, event_seq) order); when it does not hold
(a view with a join, a table loaded in another order) the query runs again with ``ORDER BY``.

Customers are told apart by ``hash(customer_id)`` (64 bits): two different customers whose rows
are adjacent and whose hashes collide (chance about 2^-64 per pair) would be taken as one.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from parcours.engine.eventlog import EventLog

#: The columns every ordered read selects first, from the events aliased ``e``.
KEYS = "hash(e.customer_id) AS key, epoch_us(e.timestamp) AS ts, e.event_seq AS seq"


def read_in_order(log: EventLog, sql: str, params: list[Any] | None = None) -> pa.Table:
    """Rows of ``sql`` (which selects :data:`KEYS`) in customer, time and event_seq order.

    Write ``WHERE`` filters as ``OR``-ed equalities rather than a long ``IN`` list: DuckDB
    turns the latter into a join that gives up the storage order (and the rows are sorted).
    """
    table = log.arrow(sql, params)
    if in_order(*(column(table, c) for c in ("key", "ts", "seq"))):
        return table
    return log.arrow(f"SELECT * FROM ({sql}) ORDER BY key, ts, seq", params)


def column(table: pa.Table, name: str) -> np.ndarray:
    """One column as a numpy array."""
    return np.asarray(table.column(name).to_numpy())


def in_order(key: np.ndarray, ts: np.ndarray, seq: np.ndarray) -> bool:
    """Whether each customer's rows are contiguous and in (timestamp, event_seq) order."""
    if len(key) < 2:
        return True
    same = key[1:] == key[:-1]
    dt = ts[1:] - ts[:-1]
    if np.any(same & ((dt < 0) | ((dt == 0) & (seq[1:] <= seq[:-1])))):
        return False
    heads = np.sort(key[np.r_[True, ~same]])
    return not np.any(heads[1:] == heads[:-1])


def customer_starts(key: np.ndarray) -> np.ndarray:
    """First row of each customer (each run of equal keys)."""
    if not len(key):
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
