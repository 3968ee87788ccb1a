"""Bound events read once as integers and put in (customer, time, event_seq) order: the input
of the compiled passes over a bound journey (returns, earlier events), without a window or a
group-by on customer ids in DuckDB."""

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


def ordered(
    log: EventLog,
    columns: list[str],
    where: str = "true",
    names: dict[str, list[str]] | None = None,
) -> Ordered:
    """The rows of ``log`` where ``where`` holds, with ``columns`` as codes (their values found
    in the rows unless ``names`` gives them)."""
    given = names or {}
    found = [c for c in columns if c not in given]
    listed = {**given}
    if found:
        lists = log.rows(
            f"SELECT {', '.join(f'list(DISTINCT {c})' for c in found)} FROM {{events}} "
            f"WHERE {where}"
        )[0]
        listed |= {
            c: sorted(str(v) for v in n or [] if v is not None)
            for c, n in zip(found, lists, strict=True)
        }
    seq = "event_seq" if log.has_column("event_seq") else "0"
    coded = ", ".join(
        f"CAST(coalesce(list_position(?, {c}), 0) - 1 AS INTEGER) AS c{i}"
        for i, c in enumerate(columns)
    )
    table = log.arrow(
        f"SELECT hash(customer_id) AS key, epoch_us(timestamp) AS ts, {seq} AS seq, {coded} "
        f"FROM {{events}} WHERE {where}",
        [listed[c] for c in columns],
    )
    key = table["key"].to_numpy()
    ts = table["ts"].to_numpy()
    codes = {c: table[f"c{i}"].to_numpy() for i, c in enumerate(columns)}
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
    return Ordered(sorted_key, sorted_ts, order, codes, {c: listed[c] for c in columns})
