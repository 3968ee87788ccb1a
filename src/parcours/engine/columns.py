"""An event log's hot columns: integers in (customer, timestamp, event_seq) order.

Sequence analyses (funnels, paths) read these arrays instead of querying strings:
``bounds`` (the first row of each customer, then the number of rows), ``ts`` (µs since the epoch)
and ``event`` (codes into ``names``). A log that names its database file keeps them beside it,
in ``<database>.columns/``, built again when the database is newer (or another layout version
wrote them) and mapped once per process; any other log builds them in memory for each analysis.

Building reads the events once, batch by batch, so memory stays near the size of the arrays. The
workspace keeps its ``events`` table physically sorted and DuckDB returns a plain scan in storage
order, so the read skips the global sort; the order is checked on the rows read (each customer's
rows contiguous and in (timestamp, event_seq) order), and when it does not hold (a view with a
join, a table loaded in another order) the events are read again with ``ORDER BY``.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from parcours.errors import EngineError

if TYPE_CHECKING:
    from parcours.engine.duckdb.eventlog import EventLog

#: What the columns are read from; customers are told apart by ``hash(customer_id)`` (64 bits):
#: two customers whose rows are adjacent and whose hashes collide (chance about 2^-64 per pair)
#: would be taken as one.
KEYS = "hash(e.customer_id) AS key, epoch_us(e.timestamp) AS ts, e.event_seq AS seq"
_BATCH = 1 << 20
_FORMAT = 1  # bumped when the layout of the folder changes


@dataclass(frozen=True)
class EventColumns:
    """Events as integer arrays, customers as runs of rows."""

    bounds: np.ndarray
    ts: np.ndarray
    event: np.ndarray
    names: tuple[str, ...]

    @property
    def customers(self) -> int:
        return len(self.bounds) - 1

    def bit_sets(self, names_bits: dict[str, int], every: int = 0) -> np.ndarray:
        """Per event code, the OR of the bits given to its name, plus ``every`` for all codes."""
        out = np.full(len(self.names), every, dtype=np.int64)
        code = {name: i for i, name in enumerate(self.names)}
        for name, bits in names_bits.items():
            if name in code:
                out[code[name]] |= bits
        return out


_loaded: dict[Path, tuple[float, EventColumns]] = {}


def event_columns(log: EventLog) -> EventColumns:
    """The hot columns of ``log``: kept beside its database when it names one, and mapped once
    per process and version (a warm analysis finds its pages mapped already)."""
    if log.database is None:
        return _build(log, None)
    folder = log.database.with_name(log.database.name + ".columns")
    meta = folder / "meta.json"
    fresh = is_fresh(meta, log.database)
    held = _loaded.get(folder)
    if fresh and held is not None and held[0] == meta.stat().st_mtime:
        return held[1]
    columns = _map(folder) if fresh else None
    if columns is None:
        partial = folder.with_name(f"{folder.name}.partial-{os.getpid()}")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        columns = _build(log, partial)
        shutil.rmtree(folder, ignore_errors=True)
        partial.rename(folder)
    _loaded.clear()  # one log's columns at a time: they can be large
    _loaded[folder] = meta.stat().st_mtime, columns
    return columns


def is_fresh(target: Path, database: Path) -> bool:
    """Whether ``target`` was written after the database (its write-ahead log included) last
    changed."""
    if not target.exists():
        return False
    wal = database.with_name(database.name + ".wal")
    changed = max(p.stat().st_mtime for p in (database, wal) if p.exists())
    return target.stat().st_mtime >= changed


def _map(folder: Path) -> EventColumns | None:
    """The columns kept in ``folder``; ``None`` when another layout version wrote them."""
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    if meta.get("format") != _FORMAT:
        return None
    arrays = {n: np.load(folder / f"{n}.npy", mmap_mode="c") for n in ("bounds", "ts", "event")}
    return EventColumns(names=tuple(meta["names"]), **arrays)


def _build(log: EventLog, folder: Path | None) -> EventColumns:
    """Read the events once and write their columns (to ``folder``, or into memory)."""
    rows = log.count()
    try:
        return _write(log, folder, rows, sort=False)
    except _OutOfOrder:
        return _write(log, folder, rows, sort=True)


class _OutOfOrder(Exception):
    """The storage order is not the sorted order."""


def _write(log: EventLog, folder: Path | None, rows: int, sort: bool) -> EventColumns:
    ts = _array(folder, "ts", rows, np.int64)
    event = _array(folder, "event", rows, np.int32)
    heads: list[np.ndarray] = []
    starts: list[np.ndarray] = []
    codes: dict[str, int] = {}
    done = 0
    last: tuple[int, int, int] | None = None
    for batch in _batches(log, sort):
        key, t, seq = (np.asarray(batch.column(c).to_numpy()) for c in ("key", "ts", "seq"))
        if last is not None:  # the previous batch's last row leads this one
            key, t, seq = np.r_[last[0], key], np.r_[last[1], t], np.r_[last[2], seq]
        same = key[1:] == key[:-1]
        dt = t[1:] - t[:-1]
        if not sort and np.any(same & ((dt < 0) | ((dt == 0) & (seq[1:] <= seq[:-1])))):
            raise _OutOfOrder
        new = np.flatnonzero(~same) + 1 if last is not None else np.flatnonzero(np.r_[True, ~same])
        skip = 1 if last is not None else 0
        starts.append(new - skip + done)
        heads.append(key[new])
        size = len(key) - skip
        ts[done : done + size] = t[skip:]
        event[done : done + size] = _codes(batch.column("event"), codes)
        done += size
        last = (int(key[-1]), int(t[-1]), int(seq[-1]))
    first = np.sort(np.concatenate(heads)) if heads else np.zeros(0, dtype=np.int64)
    if not sort and np.any(first[1:] == first[:-1]):  # a customer's rows are not contiguous
        raise _OutOfOrder
    bounds = np.r_[np.concatenate(starts) if starts else np.zeros(0, np.int64), done]
    columns = EventColumns(bounds.astype(np.int64), ts, event, tuple(codes))
    if folder is not None:  # the arrays written stay mapped: the caller reads them as they are
        np.save(folder / "bounds.npy", columns.bounds)
        for array in (ts, event):
            if isinstance(array, np.memmap):
                array.flush()
        meta = {"format": _FORMAT, "names": list(codes), "rows": done}
        (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return columns


def _array(folder: Path | None, name: str, rows: int, dtype: type) -> np.ndarray:
    if folder is None:
        return np.empty(rows, dtype=dtype)
    return np.lib.format.open_memmap(folder / f"{name}.npy", mode="w+", dtype=dtype, shape=(rows,))


def _batches(log: EventLog, sort: bool) -> Iterator[pa.RecordBatch]:
    sql = f"SELECT {KEYS}, e.event FROM {{events}} e"
    if sort:
        sql = f"SELECT * FROM ({sql}) ORDER BY key, ts, seq"
    yield from log.batches(sql, _BATCH)


def _codes(names: pa.Array, codes: dict[str, int]) -> np.ndarray:
    """Event codes of one batch, new names getting the next codes."""
    if names.null_count:
        raise EngineError(
            f"{names.null_count} event(s) have no event name; every event needs one. Drop or "
            "name them before the analysis (`parcours ingest` quarantines such rows)."
        )
    encoded = pc.dictionary_encode(names)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    local = encoded.dictionary.to_pylist()
    remap = np.array([codes.setdefault(str(name), len(codes)) for name in local], dtype=np.int32)
    return remap[np.asarray(encoded.indices.to_numpy(zero_copy_only=False))]
