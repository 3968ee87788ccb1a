"""Bench: cold ingest of N events from Parquet into a DuckDB file (validated, quarantined), then
the hot columns built, so that analyses are ready; ClickHouse (chdb) loading the same file into a
MergeTree ``ORDER BY (customer_id, timestamp)`` in the same run.

Usage::

    .venv/bin/python bench/ingest_parquet.py --events 10_000_000 [--memory-limit 18GB] [--no-chdb]

Generates ``bench/out/events_<N>.parquet`` once (streamed in 1M-row batches, unsorted, ~0.01%
bad rows), then, in a fresh child process each (so peak memory is each one's own): imports it
the way ``parcours ingest`` does, into a new workspace whose events source is that file, and
builds its hot columns (``event_columns`` of the workspace's log, as the first analysis does);
then chdb creates the MergeTree table and inserts the file into it. Prints a table: rows, wall
time of the import (hashing included), of the columns and of both, CPU time (and its split),
rows/s, peak RSS, and chdb's wall and CPU time and peak RSS. ``--memory-limit`` sets the
workspace's ``memory_limit``; without it the import uses its default cap.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

OUT = Path(__file__).parent / "out"
EVENTS = np.array(
    [
        "visit",
        "search",
        "view",
        "add_to_cart",
        "checkout",
        "payment",
        "purchase",
        "support_call",
        "review",
        "return",
    ]
)
CHANNELS = np.array(["web", "app", "store", "call_centre", "email"])
BATCH = 1_000_000


def generate(n: int, path: Path, seed: int = 0, customers: int | None = None) -> None:
    """Write ``n`` events (``customers``, default n/20) to ``path``, batch by batch."""
    rng = np.random.default_rng(seed)
    customers = max(customers or n // 20, 1)
    start = np.datetime64("2024-01-01T00:00:00", "us").astype(np.int64)
    year_us = 365 * 24 * 3600 * 1_000_000
    schema = pa.schema(
        [
            ("customer_id", pa.string()),
            ("timestamp", pa.timestamp("us")),
            ("event", pa.string()),
            ("channel", pa.string()),
        ]
    )
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for offset in range(0, n, BATCH):
            size = min(BATCH, n - offset)
            ids = rng.integers(0, customers, size)
            customer = pa.array(np.char.add("c", ids.astype("U8")))
            ts = pa.array(start + rng.integers(0, year_us, size), pa.timestamp("us"))
            bad = rng.random(size) < 0.0001  # a few rows without a customer
            customer = pc.if_else(pa.array(bad), pa.scalar(None, pa.string()), customer)
            event = pa.array(EVENTS[rng.integers(0, len(EVENTS), size)])
            channel = pa.array(CHANNELS[rng.integers(0, len(CHANNELS), size)])
            writer.write_batch(pa.record_batch([customer, ts, event, channel], schema=schema))


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_import(parquet: Path, database: Path, memory_limit: str | None) -> dict[str, object]:
    """Import in this process, as ``parcours ingest`` does, then build the hot columns; returns
    the figures (called in a child process)."""
    from parcours.data.staging import file_hash
    from parcours.data.workspace import Workspace, create_workspace
    from parcours.engine.columns import columns_meta, event_columns
    from parcours.engine.workspace_tables import workspace_tables

    database.unlink(missing_ok=True)
    shutil.rmtree(database.with_name(database.name + ".columns"), ignore_errors=True)
    root = database.parent / f"{database.stem}_workspace"
    create_workspace(root, sources={"events": {"path": str(parquet)}}, overwrite=True)
    workspace = Workspace.open(root, database=str(database), memory_limit=memory_limit)
    hashed = time.perf_counter()
    file_hash(str(parquet))
    hash_seconds = time.perf_counter() - hashed
    began, cpu = time.perf_counter(), _cpu()
    (report,) = workspace.ingest().files
    seconds, cpu_seconds = time.perf_counter() - began, _cpu() - cpu
    began, cpu = time.perf_counter(), _cpu()
    with workspace_tables(workspace) as log:
        columns = event_columns(log)  # type: ignore[arg-type]
    columns_seconds, columns_cpu = time.perf_counter() - began, _cpu() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    meta = columns_meta(database) or {}
    return {
        "read": report.read,
        "loaded": report.loaded,
        "quarantined": report.quarantined,
        "reconciled": report.reconciled,
        "seconds": seconds,
        "columns_seconds": columns_seconds,
        "columns_ok": meta.get("rows") == report.loaded == len(columns.ts),
        "peak_gb": peak,
        "hash_seconds": hash_seconds,
        "cpu_seconds": cpu_seconds + columns_cpu,
        "import_cpu": cpu_seconds,
        "columns_cpu": columns_cpu,
    }


def run_chdb(parquet: Path, folder: Path) -> dict[str, object]:
    """ClickHouse (chdb, embedded) loading the file into a MergeTree sorted by customer and time
    (called in a child process); NULL customers become '' (ClickHouse's default for String)."""
    from chdb import session

    shutil.rmtree(folder, ignore_errors=True)
    began, cpu = time.perf_counter(), _cpu()
    db = session.Session(str(folder))
    db.query(
        "CREATE TABLE events (customer_id String, timestamp DateTime64(6), event String, "
        "channel String) ENGINE = MergeTree ORDER BY (customer_id, timestamp)"
    )
    db.query(f"INSERT INTO events SELECT * FROM file('{parquet}', Parquet)")
    seconds, cpu_seconds = time.perf_counter() - began, _cpu() - cpu
    rows = int(str(db.query("SELECT count() FROM events", "CSV")).strip())
    db.close()
    shutil.rmtree(folder, ignore_errors=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    return {"seconds": seconds, "cpu_seconds": cpu_seconds, "rows": rows, "peak_gb": peak}


def _child(*args: str) -> dict[str, object]:
    child = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    )
    figures: dict[str, object] = json.loads(child.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=lambda s: int(s.replace("_", "")), default=10_000_000)
    parser.add_argument("--memory-limit", default=None)
    parser.add_argument("--no-chdb", action="store_true")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--chdb-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        figures = run_import(Path(args.child[0]), Path(args.child[1]), args.memory_limit)
        print(json.dumps(figures))
        return
    if args.chdb_child:
        print(json.dumps(run_chdb(Path(args.chdb_child[0]), Path(args.chdb_child[1]))))
        return
    OUT.mkdir(exist_ok=True)
    parquet = OUT / f"events_{args.events}.parquet"
    if not parquet.exists():
        began = time.perf_counter()
        generate(args.events, parquet)
        print(f"generated {parquet} in {time.perf_counter() - began:.1f} s", file=sys.stderr)
    database = OUT / f"ingest_{args.events}.duckdb"
    limit = ["--memory-limit", args.memory_limit] if args.memory_limit else []
    print(f"load average before: {os.getloadavg()[0]:.1f}", file=sys.stderr)
    f = _child(*limit, "--child", str(parquet), str(database))
    size_mb = parquet.stat().st_size / 1024**2
    total = float(f["seconds"]) + float(f["columns_seconds"])  # type: ignore[arg-type]
    print(
        "| events | parquet MB | read | loaded | quarantined | reconciled | import s "
        "| hot columns s | ready s | CPU s (import + columns) | hashing alone | M rows/s "
        "| peak RSS GB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {args.events:,} | {size_mb:,.0f} | {f['read']:,} | {f['loaded']:,} | "
        f"{f['quarantined']:,} | {f['reconciled'] and f['columns_ok']} | {f['seconds']:.1f} | "
        f"{f['columns_seconds']:.1f} | {total:.1f} | {f['cpu_seconds']:.1f} "
        f"({f['import_cpu']:.1f} + {f['columns_cpu']:.1f}) | "
        f"{f['hash_seconds']:.1f} | {args.events / total / 1e6:.2f} | {f['peak_gb']:.2f} |"
    )
    database.unlink(missing_ok=True)
    shutil.rmtree(database.with_name(database.name + ".columns"), ignore_errors=True)
    shutil.rmtree(database.parent / f"{database.stem}_workspace", ignore_errors=True)
    if not args.no_chdb:
        c = _child("--chdb-child", str(parquet), str(OUT / f"chdb_{args.events}"))
        print(
            f"chdb MergeTree ORDER BY (customer_id, timestamp): {c['seconds']:.1f} s "
            f"(CPU {c['cpu_seconds']:.1f} s), {c['rows']:,} rows, peak RSS {c['peak_gb']:.2f} GB"
        )


if __name__ == "__main__":
    main()
