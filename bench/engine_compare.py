"""Compare the engine's hot analyses with chdb, pm4py and plain pandas; prints a markdown table.

    .venv/bin/python bench/engine_compare.py --events 10_000_000 100_000_000 \
        [--pm4py /tmp/pm4py-venv/bin/python] [--pandas-max 10_000_000]

- Ordered 5-step funnel (14 days) on the generated log of ``bench/engine_data.py``: parcours on the
  stored DuckDB file (cold = first run in the process, warm = second run), ClickHouse
  ``windowFunnel(W, 'strict_once')`` (chdb) on the same Parquet file, and a plain pandas
  per-customer loop (only up to ``--pandas-max`` events); the per-step counts are checked equal.
- DFG + variants on bpic2013 (../shared/oracles/process) replicated to ~10M events with distinct
  case ids: parcours ``paths()`` (which also computes durations, repeats and start/end activities)
  against pm4py (run in its own virtualenv, as a subprocess: it is AGPL) and plain pandas; DFG
  counts and variant counts are checked equal.
- Markov attribution (order 1, exact) on the 10,000 ChannelAttribution paths.

Each figure is the median of ``--repeat`` warm runs and comes with the 1-minute load average.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
from engine_data import OUT, STEPS, ensure

from parcours.data.schema import EVENTS as EVENTS_CONTRACT
from parcours.engine import EventLog, attribute, funnel, paths, read_paths
from parcours.engine.filter import Filter, parse_where

ROOT = Path(__file__).parents[1]
BPIC = ROOT / ".." / "shared" / "oracles" / "process" / "bpic2013_incidents.events.csv.gz"
ATTRIBUTION = ROOT / "tests" / "oracles" / "attribution" / "paths.csv.gz"
WINDOW_S = 14 * 86400
ROWS: list[dict[str, Any]] = []


def load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def row(analysis: str, data: str, tool: str, seconds: float | None, note: str = "") -> None:
    ROWS.append(
        {
            "analysis": analysis,
            "data": data,
            "tool": tool,
            "s": seconds,
            "load": load(),
            "note": note,
        }
    )
    shown = "-" if seconds is None else f"{seconds:.3f}"
    print(f"  {analysis} | {data} | {tool} | {shown} s | load {load()} | {note}", flush=True)


# --- funnel ---------------------------------------------------------------------------------


def chdb_funnel(parquet: Path, where: str = "1") -> list[int]:
    import chdb

    conds = ", ".join(f"event = '{s}'" for s in STEPS)
    sql = f"""SELECT level, count() FROM (
        SELECT customer_id, windowFunnel({WINDOW_S * 1_000_000}, 'strict_once')(
            toUInt64(toUnixTimestamp64Micro(timestamp)), {conds}) AS level
        FROM file('{parquet}', Parquet) WHERE {where} GROUP BY customer_id) GROUP BY level"""
    out = chdb.query(sql, "CSV").data().split()
    levels = {int(level): int(n) for level, n in (line.split(",") for line in out)}
    return [sum(n for lv, n in levels.items() if lv >= k) for k in range(1, len(STEPS) + 1)]


def pandas_funnel(parquet: Path) -> list[int]:
    """A plain pandas reading of the ordered funnel: per customer, each step-1 event starts an
    attempt that takes the next steps in order within the window; the best attempt counts."""
    frame = pd.read_parquet(parquet, columns=["customer_id", "timestamp", "event"])
    frame = frame[frame["event"].isin(STEPS)]
    step = frame["event"].map({s: i for i, s in enumerate(STEPS)}).to_numpy()
    ts = frame["timestamp"].to_numpy().astype("int64")
    window = WINDOW_S * 1_000_000
    best = []
    for rows in frame.groupby("customer_id", sort=False).indices.values():
        s, t, top = step[rows], ts[rows], 0
        for i in np.flatnonzero(s == 0):
            level = 1
            for j in range(i + 1, len(s)):
                if t[j] - t[i] > window or level == len(STEPS):
                    break
                if s[j] == level:
                    level += 1
            top = max(top, level)
        best.append(top)
    levels = np.array(best)
    return [int((levels >= k).sum()) for k in range(1, len(STEPS) + 1)]


def bench_funnel(n_events: int, repeat: int, pandas_max: int) -> None:
    parquet, database = ensure(n_events)
    data = f"{n_events / 1e6:.0f}M events"
    con = duckdb.connect(str(database), read_only=True)
    log = EventLog(con, "events", database=database)
    start = time.perf_counter()
    cold = funnel(log, STEPS, window="14d").counts
    row("funnel ordered 5 steps", data, "parcours cold (1st run)", time.perf_counter() - start)
    seconds, result = timed(lambda: funnel(log, STEPS, window="14d"), repeat)
    assert result.counts == cold
    row("funnel ordered 5 steps", data, "parcours warm", seconds, f"counts {cold}")
    june = Filter(
        since=datetime(2024, 6, 1),
        until=datetime(2024, 7, 1),
        where=parse_where(["platform=mobile"]),
    )
    start = time.perf_counter()
    filtered = funnel(june.apply(log), STEPS, window="14d").counts
    row(
        "funnel ordered 5 steps, --where platform=mobile, June",
        data,
        "parcours 1st run of the filter",
        time.perf_counter() - start,
    )
    seconds, result = timed(lambda: funnel(june.apply(log), STEPS, window="14d"), repeat)
    assert result.counts == filtered
    clickhouse = chdb_funnel(
        parquet,
        "timestamp >= '2024-06-01' AND timestamp < '2024-07-01' AND "
        "JSONExtractString(properties, 'platform') = 'mobile'",
    )
    row(
        "funnel ordered 5 steps, --where platform=mobile, June",
        data,
        "parcours warm",
        seconds,
        f"counts {filtered}; chdb: {_same(clickhouse, filtered)}",
    )
    con.close()
    seconds, counts = timed(lambda: chdb_funnel(parquet), 1)
    row(
        "funnel ordered 5 steps",
        data,
        "chdb windowFunnel strict_once",
        seconds,
        _same(counts, cold),
    )
    if n_events <= pandas_max:
        seconds, counts = timed(lambda: pandas_funnel(parquet), 1)
        row("funnel ordered 5 steps", data, "pandas (groupby loop)", seconds, _same(counts, cold))


def _same(counts: list[int], ours: list[int]) -> str:
    return "same counts" if counts == ours else f"DIFFERENT counts {counts}"


# --- paths ----------------------------------------------------------------------------------


def bpic_log(target: int) -> tuple[Path, Path, int]:
    """bpic2013 replicated (distinct case ids per copy) to about ``target`` events."""
    base = pd.read_csv(BPIC)
    copies = -(-target // len(base))
    parquet = OUT / f"bpic2013_x{copies}.parquet"
    database = OUT / f"bpic2013_x{copies}.duckdb"
    if not parquet.exists():
        con = duckdb.connect()
        con.execute("SET TimeZone = 'UTC'")
        con.execute(
            f"""COPY (SELECT c.copy || '_' || b."case:concept:name" AS case_id,
                b."concept:name" AS activity, CAST(b."time:timestamp" AS TIMESTAMP) AS timestamp,
                c.copy * {len(base)} + b.line AS event_seq
            FROM (SELECT *, row_number() OVER () AS line FROM read_csv('{BPIC}')) b,
                 range({copies}) c(copy)) TO '{parquet}' (FORMAT parquet)"""
        )
    if not database.exists():
        con = duckdb.connect(str(database))
        con.execute(EVENTS_CONTRACT.ddl())
        con.execute(
            f"""INSERT INTO events SELECT case_id, timestamp, activity, NULL, event_seq, NULL,
            'bench' FROM read_parquet('{parquet}') ORDER BY case_id, timestamp, event_seq"""
        )
        con.close()
    return parquet, database, copies * len(base)


def pandas_paths(parquet: Path) -> tuple[dict[tuple[str, str], int], dict[tuple[str, ...], int]]:
    frame = pd.read_parquet(parquet).sort_values(["case_id", "timestamp", "event_seq"])
    nxt = frame["activity"].shift(-1)
    same = frame["case_id"].eq(frame["case_id"].shift(-1))
    gap = frame["timestamp"].shift(-1) - frame["timestamp"]
    edges = pd.DataFrame({"a": frame["activity"], "b": nxt, "gap": gap})[same]
    grouped = edges.groupby(["a", "b"])["gap"].agg(["size", "mean", "median"])
    variants = frame.groupby("case_id", sort=False)["activity"].agg(tuple).value_counts()
    return grouped["size"].to_dict(), variants.to_dict()


def bench_paths(repeat: int, pm4py_python: str | None) -> None:
    parquet, database, n = bpic_log(10_000_000)
    data = f"bpic2013 ×{n // 65533} ({n / 1e6:.1f}M events)"
    con = duckdb.connect(str(database), read_only=True)
    log = EventLog(con, "events", database=database)
    start = time.perf_counter()
    ours = paths(log, top_variants=20)
    row("DFG + variants", data, "parcours cold (1st run)", time.perf_counter() - start)
    seconds, ours = timed(lambda: paths(log, top_variants=20), repeat)
    row("DFG + variants", data, "parcours warm (paths(): + durations, repeats)", seconds)
    con.close()
    our_dfg = {(e.source, e.target): e.count for e in ours.dfg}
    our_top = [v.count for v in ours.variants]
    if pm4py_python:
        start = time.perf_counter()
        out = subprocess.run(
            [pm4py_python, str(Path(__file__).parent / "engine_pm4py_run.py"), str(parquet)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        wall = time.perf_counter() - start
        got = json.loads(out.strip().splitlines()[-1])
        s = got["seconds"]
        same = (
            {(a, b): c for a, b, c in got["dfg"]} == our_dfg
            and [c for _, c in got["top_variants"]] == our_top
            and got["n_variants"] == ours.n_variants
        )
        note = f"pm4py {got['pm4py']}; {'same DFG and variants' if same else 'DIFFERENT'}"
        row("DFG + variants", data, "pm4py dfg + variants", s["dfg"] + s["variants"], note)
        row(
            "DFG + variants",
            data,
            "pm4py + performance DFG",
            s["dfg"] + s["variants"] + s["performance_dfg"],
            f"read+format {s['read_and_format']:.1f} s, process {wall:.0f} s",
        )
    seconds, (dfg, variants) = timed(lambda: pandas_paths(parquet), 1)
    same = dfg == our_dfg and sorted(variants.values(), reverse=True)[:20] == our_top
    row("DFG + variants", data, "pandas (read, sort, shift, groupby)", seconds,
        "same DFG and variants" if same else "DIFFERENT")  # fmt: skip


def bench_attribution(repeat: int) -> None:
    journeys = read_paths(ATTRIBUTION)
    attribute(journeys, "markov")
    seconds, _ = timed(lambda: attribute(journeys, "markov"), repeat)
    row("Markov attribution order 1 (exact)", "10,000 paths", "parcours warm", seconds,
        "ChannelAttribution (simulated): 0.13 s")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, nargs="+", default=[10_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pm4py", default=None, help="python of a virtualenv with pm4py")
    parser.add_argument("--pandas-max", type=int, default=10_000_000)
    parser.add_argument("--skip", nargs="*", default=[], choices=["funnel", "paths", "markov"])
    args = parser.parse_args()
    if "funnel" not in args.skip:
        for n in args.events:
            bench_funnel(n, args.repeat, args.pandas_max)
    if "paths" not in args.skip:
        bench_paths(args.repeat, args.pm4py)
    if "markov" not in args.skip:
        bench_attribution(args.repeat)
    print(f"\npeak RSS of this process: {peak_gb():.2f} GB; {os.cpu_count()} CPUs\n")
    print("| analysis | data | tool | seconds | load avg (1 min) | note |")
    print("|---|---|---|---|---|---|")
    for r in ROWS:
        shown = "-" if r["s"] is None else f"{r['s']:.3f}"
        print(
            f"| {r['analysis']} | {r['data']} | {r['tool']} | {shown} | {r['load']} | {r['note']} |"
        )


if __name__ == "__main__":
    main()
