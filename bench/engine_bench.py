"""Benchmark the engine's analyses on a generated log; prints a table.

    .venv/bin/python bench/engine_bench.py --events 1000000

Funnel (ordered, 5 steps), paths (DFG + variants) on ``--events`` generated events, and Markov
attribution (order 1 and 3) on the 10,000 ChannelAttribution paths. Times are warm (second run).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from parcours.engine import EventLog, attribute, funnel, paths, read_paths

PATHS = Path(__file__).parents[1] / "tests" / "oracles" / "attribution" / "paths.csv.gz"
EVENTS = ["view", "search", "cart", "checkout", "pay", "support", "review", "share"]


def generate(n_events: int, seed: int = 0) -> EventLog:
    rng = np.random.default_rng(seed)
    n_customers = max(1, n_events // 20)
    customer = np.sort(rng.integers(0, n_customers, n_events))
    ts = rng.integers(0, 60 * 86400, n_events) * 1_000_000
    order = np.lexsort((ts, customer))
    table = pa.table(
        {
            "customer_id": pa.array(customer[order].astype(str)),
            "timestamp": pa.array(ts[order], type=pa.timestamp("us")),
            "event": pa.array(np.array(EVENTS)[rng.integers(0, len(EVENTS), n_events)]),
            "event_seq": pa.array(np.arange(n_events)),
        }
    )
    return EventLog.from_arrow(table, duckdb.connect())


def warm(fn: Callable[[], Any]) -> float:
    fn()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    log = generate(args.events)
    journeys = read_paths(PATHS)
    steps = ["view", "cart", "checkout", "pay", "review"]
    rows = [
        (f"funnel ordered 5 steps, {args.events:,} events", warm(lambda: funnel(log, steps))),
        (f"paths (DFG + variants), {args.events:,} events", warm(lambda: paths(log))),
        ("read 10,000 attribution paths", warm(lambda: read_paths(PATHS))),
        ("markov order 1, 10,000 paths", warm(lambda: attribute(journeys, "markov"))),
        ("markov order 3, 10,000 paths", warm(lambda: attribute(journeys, "markov", order=3))),
    ]
    width = max(len(name) for name, _ in rows)
    print(f"{'analysis':<{width}}  seconds")
    for name, seconds in rows:
        print(f"{name:<{width}}  {seconds:7.3f}")


if __name__ == "__main__":
    main()
