"""Bench: what the store itself costs — DuckDB copying the ingest benchmark's Parquet file into
a database file, with no validation, unsorted and sorted two ways.

Usage (after ``bench/ingest_parquet.py --events N`` has generated the file)::

    .venv/bin/python bench/ingest_floor.py --events 100_000_000

Prints one line per copy: seconds for ``CREATE TABLE AS SELECT *, file_row_number FROM
read_parquet(...)`` (plus the checkpoint), unsorted, ``ORDER BY hash(customer_id), timestamp,
seq`` and ``ORDER BY customer_id, timestamp, seq``, each into a new database file, with the same
memory limit as the ingest benchmark.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import duckdb

OUT = Path(__file__).parent / "out"
ORDERS = {
    "unsorted": "",
    "hash(customer_id), timestamp, seq": " ORDER BY hash(customer_id), timestamp, seq",
    "customer_id, timestamp, seq": " ORDER BY customer_id, timestamp, seq",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=lambda s: int(s.replace("_", "")), default=10_000_000)
    parser.add_argument("--memory-limit", default="4GB")
    args = parser.parse_args()
    parquet = OUT / f"events_{args.events}.parquet"
    if not parquet.exists():
        raise SystemExit(f"{parquet} is missing: run bench/ingest_parquet.py --events first")
    database = OUT / f"floor_{args.events}.duckdb"
    source = f"read_parquet('{parquet}', file_row_number = true)"
    for label, order in ORDERS.items():
        database.unlink(missing_ok=True)
        con = duckdb.connect(str(database), config={"memory_limit": args.memory_limit})
        began = time.perf_counter()
        con.execute(f"CREATE TABLE t AS SELECT *, file_row_number AS seq FROM {source}{order}")
        con.execute("CHECKPOINT")
        print(f"{args.events:,} events, {label}: {time.perf_counter() - began:.1f} s", flush=True)
        con.close()
    database.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
