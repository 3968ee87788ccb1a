"""Generated event logs for the engine benchmarks: sorted Parquet, then a workspace-like store.

    .venv/bin/python bench/engine_data.py --events 100_000_000

Writes ``bench/out/engine/events_<N>.parquet`` (streamed in batches of whole customers, already
in (customer_id, timestamp, event_seq) order) and ``bench/out/engine/events_<N>.duckdb`` whose
``events`` table follows the ingest contract (same DDL, same physical order: rows are appended in
sorted order, so no sort is needed). Existing files are reused.

The log: ~20 events per customer (1 + geometric), 20 event names of which the five funnel steps
(``view_item``, ``add_to_cart``, ``begin_checkout``, ``add_payment_info``, ``purchase``) make
~22 % of the rows; sessions of events a minute apart (exponential) separated by gaps of days;
millisecond timestamps over one year, so some events of a customer share a timestamp; one
property, ``platform`` (mobile or desktop, half each), for filtered analyses.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from parcours.data.schema import EVENTS as EVENTS_CONTRACT

OUT = Path(__file__).parent / "out" / "engine"
STEPS = ["view_item", "add_to_cart", "begin_checkout", "add_payment_info", "purchase"]
OTHERS = [
    "page_view",
    "session_start",
    "search",
    "scroll",
    "click",
    "login",
    "view_promotion",
    "select_item",
    "view_cart",
    "add_to_wishlist",
    "remove_from_cart",
    "share",
    "sign_up",
    "generate_lead",
    "refund",
]
NAMES = pa.array(STEPS + OTHERS)
WEIGHTS = np.array([10.0, 5.0, 3.0, 2.2, 1.8] + [78.0 / len(OTHERS)] * len(OTHERS))
CHANNELS = pa.array(["web", "app", "store", "call_centre", "email"])
#: One event property: the platform, for the filtered funnel (``--where platform=mobile``).
PLATFORMS = pa.array(['{"platform": "mobile"}', '{"platform": "desktop"}'])
BATCH_CUSTOMERS = 250_000
SCHEMA = pa.schema(
    [
        ("customer_id", pa.string()),
        ("timestamp", pa.timestamp("us")),
        ("event", pa.string()),
        ("channel", pa.string()),
        ("event_seq", pa.int64()),
        ("properties", pa.string()),
    ]
)


def _batch(rng: np.random.Generator, first: int, customers: int, seq0: int) -> pa.RecordBatch:
    counts = rng.geometric(1 / 20, customers)
    n = int(counts.sum())
    owner = np.repeat(np.arange(first, first + customers), counts)
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    in_session = rng.random(n) < 0.8
    gaps = np.where(in_session, rng.exponential(60.0, n), rng.exponential(3 * 86400.0, n))
    gaps_ms = np.round(gaps * 1000).astype(np.int64)
    clock = np.cumsum(gaps_ms)
    clock -= clock[starts]  # 0 at each customer's first event
    origin = rng.integers(0, 300 * 86400 * 1000, customers)
    base = np.datetime64("2024-01-01T00:00:00", "ms").astype(np.int64)
    ts_ms = base + np.repeat(origin, counts) + clock
    probabilities = WEIGHTS / WEIGHTS.sum()
    return pa.record_batch(
        [
            pc.binary_join_element_wise(
                "c", pc.utf8_lpad(pc.cast(pa.array(owner), pa.string()), 9, "0"), ""
            ),
            pa.array(ts_ms * 1000, pa.timestamp("us")),
            pc.take(NAMES, pa.array(rng.choice(len(NAMES), n, p=probabilities))),
            pc.take(CHANNELS, pa.array(rng.integers(0, len(CHANNELS), n))),
            pa.array(np.arange(seq0, seq0 + n, dtype=np.int64)),
            pc.take(PLATFORMS, pa.array(rng.integers(0, len(PLATFORMS), n))),
        ],
        schema=SCHEMA,
    )


def generate(n_events: int, path: Path, seed: int = 0) -> int:
    """Write about ``n_events`` sorted events to ``path``; returns the exact number written."""
    rng = np.random.default_rng(seed)
    written = customer = 0
    tmp = path.with_suffix(".tmp")
    with pq.ParquetWriter(tmp, SCHEMA, compression="zstd") as writer:
        while written < n_events:
            size = min(BATCH_CUSTOMERS, max(1, (n_events - written) // 20))
            batch = _batch(rng, customer, size, written)
            writer.write_batch(batch, row_group_size=1 << 20)
            written += batch.num_rows
            customer += size
    tmp.rename(path)
    return written


def load(parquet: Path, database: Path) -> None:
    """A DuckDB file whose ``events`` table has the ingest contract and sorted physical order."""
    tmp = database.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    con.execute(EVENTS_CONTRACT.ddl())
    con.execute(
        "INSERT INTO events SELECT customer_id, timestamp, event, channel, event_seq, "
        f"properties::JSON, 'bench' FROM read_parquet('{parquet}')"
    )
    con.close()
    tmp.rename(database)


def ensure(n_events: int) -> tuple[Path, Path]:
    """The Parquet file and DuckDB store for ``n_events`` (made once)."""
    OUT.mkdir(parents=True, exist_ok=True)
    parquet = OUT / f"events_{n_events}.parquet"
    database = OUT / f"events_{n_events}.duckdb"
    if not parquet.exists():
        start = time.perf_counter()
        rows = generate(n_events, parquet)
        print(f"generated {rows:,} events in {time.perf_counter() - start:.1f} s: {parquet}")
    if not database.exists():
        start = time.perf_counter()
        load(parquet, database)
        print(f"stored in {time.perf_counter() - start:.1f} s: {database}")
    return parquet, database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000_000)
    args = parser.parse_args()
    ensure(args.events)


if __name__ == "__main__":
    main()
