"""Bench: ingest N events from Parquet into a DuckDB file (validated, quarantined, sorted).

Usage::

    .venv/bin/python bench/ingest_parquet.py --events 10_000_000 [--memory-limit 18GB]

Generates ``bench/out/events_<N>.parquet`` once (streamed in 1M-row batches, unsorted, ~0.01%
bad rows), then imports it in a fresh child process (so peak memory is the import's own) the way
``parcours ingest`` does, into a new workspace whose events source is that file, and prints a
table: rows, wall and CPU time of the import (hashing included), rows/s, peak RSS, and whether
the stored table is sorted by (customer_id, timestamp, event_seq). ``--memory-limit`` sets the
workspace's ``memory_limit``; without it the import uses its default cap.
"""

from __future__ import annotations

import argparse
import json
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


def generate(n: int, path: Path, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    customers = max(n // 20, 1)
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
    """Import in this process, as ``parcours ingest`` does; returns the figures (called in a
    child process)."""
    from parcours.data.stage import file_hash
    from parcours.data.workspace import Workspace, create_workspace

    database.unlink(missing_ok=True)
    root = database.parent / f"{database.stem}_workspace"
    create_workspace(root, sources={"events": {"path": str(parquet)}}, overwrite=True)
    workspace = Workspace.open(root, database=str(database), memory_limit=memory_limit)
    hashed = time.perf_counter()
    file_hash(str(parquet))
    hash_seconds = time.perf_counter() - hashed
    began, cpu = time.perf_counter(), _cpu()
    (report,) = workspace.ingest().files
    seconds, cpu_seconds = time.perf_counter() - began, _cpu() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # the import's own
    con = workspace.connect(read_only=True)
    sorted_ok = con.execute(
        "SELECT count(*) = 0 FROM (SELECT customer_id AS c, timestamp AS t, event_seq AS s, "
        "lag(customer_id) OVER w AS pc, lag(timestamp) OVER w AS pt, lag(event_seq) OVER w AS ps "
        "FROM events WINDOW w AS (ORDER BY rowid)) "
        "WHERE pc > c OR (pc = c AND (pt > t OR (pt = t AND ps > s)))"
    ).fetchone()[0]  # type: ignore[index]
    con.close()
    return {
        "read": report.read,
        "loaded": report.loaded,
        "quarantined": report.quarantined,
        "reconciled": report.reconciled,
        "seconds": seconds,
        "peak_gb": peak,
        "sorted": bool(sorted_ok),
        "hash_seconds": hash_seconds,
        "cpu_seconds": cpu_seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=lambda s: int(s.replace("_", "")), default=10_000_000)
    parser.add_argument("--memory-limit", default=None)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        figures = run_import(Path(args.child[0]), Path(args.child[1]), args.memory_limit)
        print(json.dumps(figures))
        return
    OUT.mkdir(exist_ok=True)
    parquet = OUT / f"events_{args.events}.parquet"
    if not parquet.exists():
        began = time.perf_counter()
        generate(args.events, parquet)
        print(f"generated {parquet} in {time.perf_counter() - began:.1f} s", file=sys.stderr)
    database = OUT / f"ingest_{args.events}.duckdb"
    limit = ["--memory-limit", args.memory_limit] if args.memory_limit else []
    child = subprocess.run(
        [sys.executable, __file__, *limit, "--child", str(parquet), str(database)],
        check=True,
        capture_output=True,
        text=True,
    )
    f = json.loads(child.stdout.strip().splitlines()[-1])
    size_mb = parquet.stat().st_size / 1024**2
    print(
        "| events | parquet MB | read | loaded | quarantined | reconciled | sorted | seconds "
        "| CPU seconds | hashing alone | M rows/s | peak RSS GB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {args.events:,} | {size_mb:,.0f} | {f['read']:,} | {f['loaded']:,} | "
        f"{f['quarantined']:,} | {f['reconciled']} | {f['sorted']} | {f['seconds']:.1f} | "
        f"{f['cpu_seconds']:.1f} | {f['hash_seconds']:.1f} | "
        f"{args.events / f['seconds'] / 1e6:.2f} | {f['peak_gb']:.2f} |"
    )
    database.unlink(missing_ok=True)
    shutil.rmtree(database.parent / f"{database.stem}_workspace", ignore_errors=True)


if __name__ == "__main__":
    main()
