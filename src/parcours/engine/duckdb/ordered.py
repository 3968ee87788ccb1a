"""Bound events read once as integers and put in (customer, time, event_seq) order: the input
of the compiled passes over a bound journey (spans, returns, earlier events), without a window
or a group-by on customer ids in DuckDB."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from parcours.engine._sort_kernel import sort_events

if TYPE_CHECKING:
    from parcours.engine.duckdb.eventlog import EventLog


@dataclass(frozen=True)
class Ordered:
    """Rows sorted by (customer key, time, event_seq): ``key`` and ``ts`` (µs) in that order;
    row ``i`` is row ``order[i]`` of each coded column (``codes[name]``: the position of the
    value in ``names[name]``, -1 for NULL)."""

    key: np.ndarray
    ts: np.ndarray
    order: np.ndarray
    codes: dict[str, np.ndarray]
    names: dict[str, list[str]]


#: The coded columns of a bound log's ordered rows.
CODED = ("stage", "touchpoint", "channel", "event")


def ordered(log: EventLog) -> Ordered:
    """The rows of a bound ``log`` with :data:`CODED` as codes (their values found in the rows,
    sorted), read once for a log over a table it made (the bound events): the passes over one
    bound journey share them until :meth:`EventLog.release`."""
    held = log.held.get("ordered")
    if isinstance(held, Ordered):
        return held
    found = log.rows(f"SELECT {', '.join(f'list(DISTINCT {c})' for c in CODED)} FROM {{events}}")[0]
    names = {
        c: sorted(str(v) for v in n or [] if v is not None)
        for c, n in zip(CODED, found, strict=True)
    }
    seq = "event_seq" if log.has_column("event_seq") else "0"
    coded = ", ".join(
        f"CAST(coalesce(list_position(?, {c}), 0) - 1 AS INTEGER) AS c{i}"
        for i, c in enumerate(CODED)
    )
    table = log.arrow(
        f"SELECT hash(customer_id) AS key, epoch_us(timestamp) AS ts, {seq} AS seq, {coded} "
        "FROM {events}",
        [names[c] for c in CODED],
    )
    key = table["key"].to_numpy()
    ts = table["ts"].to_numpy()
    codes = {c: table[f"c{i}"].to_numpy() for i, c in enumerate(CODED)}
    seqs = table["seq"].to_numpy()
    del table
    if len(seqs) > 1 and not bool(np.all(seqs[1:] >= seqs[:-1])):  # not in arrival order
        by_seq = np.argsort(seqs, kind="stable")
        key, ts = key[by_seq], ts[by_seq]
        codes = {c: v[by_seq] for c, v in codes.items()}
    del seqs
    rows = len(key)
    sorted_key, sorted_ts = np.empty(rows, dtype=np.uint64), np.empty(rows, dtype=np.int64)
    order = np.empty(rows, dtype=np.int64)
    sort_events(key, ts, np.arange(rows), sorted_key, sorted_ts, order)  # stable: event_seq ties
    out = Ordered(sorted_key, sorted_ts, order, codes, names)
    if log.owns_source:
        log.held["ordered"] = out
    return out


def recoded(codes: np.ndarray, names: list[str], wanted: list[str]) -> np.ndarray:
    """``codes`` into ``names`` as positions in ``wanted`` (-1: NULL or not wanted)."""
    position = {n: i for i, n in enumerate(wanted)}
    lookup = np.array([position.get(n, -1) for n in names] + [-1], dtype=np.int32)
    return lookup[codes]  # a NULL (-1) takes the last entry
