"""An event log's hot columns: integers in (customer, timestamp, event_seq) order.

Sequence analyses (funnels, paths) read these arrays instead of querying strings:
``bounds`` (the first row of each customer, then the number of rows), ``ts`` (µs since the epoch)
and ``event`` (codes into ``names``). A log that names its database file keeps them beside it,
in ``<database>.columns/``, with ``keys`` (each customer's key) and ``meta.json`` saying what
they cover; they are mapped once per process.

Customers are told apart by ``hash(customer_id)``, DuckDB's 64-bit hash: two customers whose
hashes collide (chance about n²/2^65 for n customers: 10^-7 for 2 million) would be taken as one.
The hash is DuckDB's, so the columns record the DuckDB version that computed their keys.

Kept up to date incrementally. The workspace's ``events`` table is append-only, in arrival order,
and every import gets larger ``event_seq`` values than the rows before it; ``meta.json`` records
the rows covered, their largest ``event_seq`` and the sum of their ``event_seq``. When the
database is newer than the columns and the rows up to that ``event_seq`` are still the ones
covered (same count and sum), only the rows after it are read, sorted by (key, timestamp,
event_seq), and merged into the sorted arrays in one linear pass (:mod:`._merge_kernel`; new
event names get the next codes), written to a partial folder then renamed. Anything else (no
columns yet, another layout or DuckDB version, rows deleted or changed, more new rows than old)
builds them again from all the rows.

A full build reads the events once in storage order, checking that it is the ``event_seq`` order
(an append-only table in arrival order), and sorts them here by (key, timestamp) with a stable
radix pass on the key's top bits, then each bucket on its own, on every core
(:mod:`._sort_kernel`: linear, no global comparison sort; the arrays read, about 20 bytes a
row, plus the sorted ones). When the storage order is another (a
view with a join, rows shuffled), the events are read again with DuckDB's
``ORDER BY key, ts, seq``. Either way customers are in key order, so the columns can take merges.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from parcours.engine._merge_kernel import merge_runs
from parcours.engine._sort_kernel import runs, sort_events
from parcours.errors import EngineError

if TYPE_CHECKING:
    from parcours.engine.duckdb.eventlog import EventLog

#: What the columns are read from (see the module's note on hash collisions).
KEYS = "hash(e.customer_id) AS key, epoch_us(e.timestamp) AS ts, e.event_seq AS seq"
_BATCH = 1 << 20
_FORMAT = 2  # bumped when the layout of the folder changes
_ARRAYS = ("bounds", "ts", "event", "keys")


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


@dataclass(frozen=True)
class _Covered:
    """Which rows of the log a set of columns holds: count, largest and sum of ``event_seq``."""

    rows: int
    max_seq: int
    seq_sum: int


_loaded: dict[Path, tuple[float, EventColumns]] = {}


def event_columns(log: EventLog) -> EventColumns:
    """The hot columns of ``log``: kept beside its database when it names one (merged with the
    rows added since, or built again), and mapped once per process and version (a warm analysis
    finds its pages mapped already)."""
    if log.database is None:
        return _build(log, None)[0]
    folder = log.database.with_name(log.database.name + ".columns")
    meta = folder / "meta.json"
    fresh = is_fresh(meta, log.database)
    held = _loaded.get(folder)
    if fresh and held is not None and held[0] == meta.stat().st_mtime:
        return held[1]
    columns = _map(folder) if fresh else None
    if columns is None:
        columns = _refresh(log, folder)
    _loaded.clear()  # one log's columns at a time: they can be large
    _loaded[folder] = meta.stat().st_mtime, columns
    return columns


def columns_meta(database: Path) -> dict[str, Any] | None:
    """What the hot columns kept beside ``database`` say about themselves (``built``: "full" or
    "merge", ``merges`` since the last full build, ``rows``, ``max_seq``...); None without."""
    meta = database.with_name(database.name + ".columns") / "meta.json"
    try:
        found: dict[str, Any] = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found


def is_fresh(target: Path, database: Path) -> bool:
    """Whether ``target`` was written after the database (its write-ahead log included) last
    changed."""
    return target.exists() and target.stat().st_mtime >= changed_at(database)


def changed_at(database: Path) -> float:
    """When the database (its write-ahead log included) last changed."""
    wal = database.with_name(database.name + ".wal")
    return max(p.stat().st_mtime for p in (database, wal) if p.exists())


def _refresh(log: EventLog, folder: Path) -> EventColumns:
    """Bring the columns in ``folder`` up to date with the log: merged when they can be, else
    built again; written to a partial folder, then renamed."""
    assert log.database is not None
    meta = columns_meta(log.database)
    mergeable = (
        meta is not None
        and meta.get("format") == _FORMAT
        and meta.get("duckdb") == duckdb.__version__
        and meta.get("keys_sorted") is True
    )
    if mergeable and meta is not None:
        old = _Covered(meta["rows"], meta["max_seq"], meta["seq_sum"])
        kept, added = _coverage(log, old.max_seq)
        if kept == old and added.rows == 0:  # nothing new (another table changed): re-stamp
            _write_meta(folder, meta)
            columns = _map(folder)
            if columns is not None:
                return columns
        elif kept == old and added.rows <= old.rows:
            return _in_partial(folder, lambda partial: _merge(log, folder, partial, meta, added))
    return _in_partial(folder, lambda partial: _build(log, partial)[0])


def _in_partial(folder: Path, write: Callable[[Path], EventColumns]) -> EventColumns:
    partial = folder.with_name(f"{folder.name}.partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    columns = write(partial)
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)
    return columns


def _coverage(log: EventLog, max_seq: int | None) -> tuple[_Covered, _Covered]:
    """The rows up to ``max_seq`` and the rows after it (all rows are "up to" when None)."""
    cut = "TRUE" if max_seq is None else f"event_seq <= {int(max_seq)}"
    ((k_rows, k_max, k_sum, a_rows, a_max, a_sum),) = log.execute(
        f"SELECT count(*) FILTER ({cut}), max(event_seq) FILTER ({cut}), "
        f"sum(event_seq) FILTER ({cut}), count(*) FILTER (NOT ({cut})), "
        f"max(event_seq) FILTER (NOT ({cut})), sum(event_seq) FILTER (NOT ({cut})) "
        "FROM {events}"
    ).fetchall()
    return (
        _Covered(int(k_rows), int(k_max or 0), int(k_sum or 0)),
        _Covered(int(a_rows), int(a_max or 0), int(a_sum or 0)),
    )


def _map(folder: Path) -> EventColumns | None:
    """The columns kept in ``folder``; ``None`` when another layout version wrote them."""
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if meta.get("format") != _FORMAT:
        return None
    arrays = {n: np.load(folder / f"{n}.npy", mmap_mode="c") for n in ("bounds", "ts", "event")}
    return EventColumns(names=tuple(meta["names"]), **arrays)


def _write_meta(folder: Path, meta: dict[str, Any]) -> None:
    """Write ``meta.json`` last (its time says the columns are up to date), atomically."""
    partial = folder / "meta.json.partial"
    partial.write_text(json.dumps(meta), encoding="utf-8")
    partial.replace(folder / "meta.json")


def _merge(
    log: EventLog, folder: Path, partial: Path, meta: dict[str, Any], added: _Covered
) -> EventColumns:
    """Merge the rows after ``meta["max_seq"]`` into the columns of ``folder``, into
    ``partial``."""
    old = {n: np.load(folder / f"{n}.npy", mmap_mode="r") for n in _ARRAYS}
    codes = {name: i for i, name in enumerate(meta["names"])}
    new_key = np.empty(added.rows, dtype=np.uint64)
    new_ts = np.empty(added.rows, dtype=np.int64)
    new_event = np.empty(added.rows, dtype=np.int32)
    done = 0
    sql = (
        f"SELECT * FROM (SELECT {KEYS}, e.event FROM {{events}} e "
        f"WHERE e.event_seq > {int(meta['max_seq'])}) ORDER BY key, ts, seq"
    )
    for batch in log.batches(sql, _BATCH):
        size = batch.num_rows
        new_key[done : done + size] = batch.column("key").to_numpy()
        new_ts[done : done + size] = batch.column("ts").to_numpy()
        new_event[done : done + size] = _codes(batch.column("event"), codes)
        done += size
    if done != added.rows:
        raise EngineError(f"{log.source}: the events changed while their columns were merged.")
    rows = meta["rows"] + added.rows
    most = len(old["keys"]) + added.rows
    out_keys = np.empty(most, dtype=np.uint64)
    out_bounds = np.empty(most + 1, dtype=np.int64)
    ts = _array(partial, "ts", rows, np.int64)
    event = _array(partial, "event", rows, np.int32)
    customers = merge_runs(
        np.asarray(old["keys"]),
        np.asarray(old["bounds"]),
        np.asarray(old["ts"]),
        np.asarray(old["event"]),
        new_key,
        new_ts,
        new_event,
        out_keys,
        out_bounds,
        np.asarray(ts),
        np.asarray(event),
    )
    bounds = out_bounds[: customers + 1]
    columns = EventColumns(bounds, ts, event, tuple(codes))
    covered = _Covered(rows, added.max_seq, meta["seq_sum"] + added.seq_sum)
    _save(partial, columns, out_keys[:customers], covered, built="merge", merges=meta["merges"] + 1)
    return columns


def _save(
    folder: Path,
    columns: EventColumns,
    keys: np.ndarray,
    covered: _Covered,
    *,
    built: str,
    merges: int,
) -> None:
    """Write the arrays not yet on disk, then ``meta.json``."""
    np.save(folder / "bounds.npy", columns.bounds)
    np.save(folder / "keys.npy", keys)
    for array in (columns.ts, columns.event):
        if isinstance(array, np.memmap):
            array.flush()
    meta = {
        "format": _FORMAT,
        "names": list(columns.names),
        "rows": covered.rows,
        "max_seq": covered.max_seq,
        "seq_sum": covered.seq_sum,
        "duckdb": duckdb.__version__,
        "keys_sorted": bool(np.all(keys[1:] > keys[:-1])),
        "built": built,
        "merges": merges,
    }
    _write_meta(folder, meta)


def _build(log: EventLog, folder: Path | None) -> tuple[EventColumns, np.ndarray]:
    """Read the events once and write their columns (to ``folder``, or into memory)."""
    covered = _coverage(log, None)[0] if folder is not None else None
    rows = covered.rows if covered is not None else log.count()
    built = _sort_scan(log, folder, rows)
    columns, keys = built if built is not None else _read_sorted(log, folder, rows)
    if folder is not None and covered is not None:
        _save(folder, columns, keys, covered, built="full", merges=0)
    return columns, keys


def _sort_scan(
    log: EventLog, folder: Path | None, rows: int
) -> tuple[EventColumns, np.ndarray] | None:
    """The columns from a scan in storage order, sorted here (:mod:`._sort_kernel`); None when
    the storage order is not the ``event_seq`` order."""
    key = np.empty(rows, dtype=np.uint64)
    ts = np.empty(rows, dtype=np.int64)
    event = np.empty(rows, dtype=np.int32)
    codes: dict[str, int] = {}
    done, last = 0, None
    for batch in log.batches(f"SELECT {KEYS}, e.event FROM {{events}} e", _BATCH):
        seq = np.asarray(batch.column("seq").to_numpy())
        size = len(seq)
        if size == 0:
            continue
        if (last is not None and seq[0] <= last) or np.any(seq[1:] <= seq[:-1]):
            return None
        if done + size > rows:
            raise EngineError(f"{log.source}: the events changed while their columns were built.")
        key[done : done + size] = batch.column("key").to_numpy()
        ts[done : done + size] = batch.column("ts").to_numpy()
        event[done : done + size] = _codes(batch.column("event"), codes)
        done, last = done + size, int(seq[-1])
    if done != rows:
        raise EngineError(f"{log.source}: the events changed while their columns were built.")
    out_ts = _array(folder, "ts", rows, np.int64)
    out_event = _array(folder, "event", rows, np.int32)
    sorted_key = np.empty(rows, dtype=np.uint64)
    sort_events(key, ts, event, sorted_key, np.asarray(out_ts), np.asarray(out_event))
    del key, ts, event
    keys = np.empty(rows, dtype=np.uint64)
    bounds = np.empty(rows + 1, dtype=np.int64)
    customers = runs(sorted_key, keys, bounds)
    columns = EventColumns(bounds[: customers + 1].copy(), out_ts, out_event, tuple(codes))
    return columns, keys[:customers].copy()


def _read_sorted(log: EventLog, folder: Path | None, rows: int) -> tuple[EventColumns, np.ndarray]:
    """The columns from the events read sorted by DuckDB (any storage order)."""
    ts = _array(folder, "ts", rows, np.int64)
    event = _array(folder, "event", rows, np.int32)
    heads: list[np.ndarray] = []
    starts: list[np.ndarray] = []
    codes: dict[str, int] = {}
    done = 0
    last: int | None = None
    sql = f"SELECT * FROM (SELECT {KEYS}, e.event FROM {{events}} e) ORDER BY key, ts, seq"
    for batch in log.batches(sql, _BATCH):
        key, t = (np.asarray(batch.column(c).to_numpy()) for c in ("key", "ts"))
        if len(key) == 0:
            continue
        before = np.r_[np.array([last if last is not None else ~key[0]], key.dtype), key[:-1]]
        new = np.flatnonzero(key != before)
        starts.append(new + done)
        heads.append(key[new])
        ts[done : done + len(key)] = t
        event[done : done + len(key)] = _codes(batch.column("event"), codes)
        done += len(key)
        last = int(key[-1])
    if done != rows:
        raise EngineError(f"{log.source}: the events changed while their columns were built.")
    keys = np.concatenate(heads) if heads else np.zeros(0, dtype=np.uint64)
    bounds = np.r_[np.concatenate(starts) if starts else np.zeros(0, np.int64), done]
    return EventColumns(bounds.astype(np.int64), ts, event, tuple(codes)), keys


def _array(folder: Path | None, name: str, rows: int, dtype: type) -> np.ndarray:
    if folder is None:
        return np.empty(rows, dtype=dtype)
    return np.lib.format.open_memmap(folder / f"{name}.npy", mode="w+", dtype=dtype, shape=(rows,))


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
