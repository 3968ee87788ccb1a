"""Bench: a weekly calendar series of every KPI of the sports sample, and the measured map.

Usage::

    .venv/bin/python bench/series.py --customers 1_500_000 [--repeat 3]

Simulates the ``sport_subscription`` sample for N customers into ``bench/out/series_<N>/`` once
(events, customers, feedback, orders), ingests it into that workspace, then times, on DuckDB,
warm: ``series_workspace(every="week")`` (every KPI of the map, each stage's customers and
conversion, each touchpoint's customers, per calendar week) and ``measure_workspace`` (the map
over all time, no voice). Prints a markdown table with the best and the median of the runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import time
from pathlib import Path
from typing import Any

from parcours.data.workspace import Workspace, create_workspace
from parcours.demo import SOURCES
from parcours.insight import measure_workspace, series_workspace
from parcours.samples import load_sample, sample_events, sample_path
from parcours.simulate import SimulationConfig, simulate

OUT = Path(__file__).parent / "out"
SAMPLE = "sport_subscription"


def workspace(
    customers: int, name: str = "series", settings: dict[str, Any] | None = None
) -> tuple[Workspace, int]:
    """The sample simulated for ``customers`` (with ``settings`` of the simulation) and ingested
    into ``bench/out/<name>_<customers>/`` once; the workspace and its number of events."""
    root = OUT / f"{name}_{customers}"
    if not (root / "parcours.duckdb").exists():
        shutil.rmtree(root, ignore_errors=True)
        created = create_workspace(root, sources=SOURCES)
        shutil.copyfile(sample_path(SAMPLE), root / "journeys" / f"{SAMPLE}.yaml")
        config = SimulationConfig.model_validate({"customers": customers, **(settings or {})})
        simulate(load_sample(SAMPLE), root / "data", config, catalogue=sample_events(SAMPLE))
        created.ingest()
    ws = Workspace.open(root)
    with ws.connect(read_only=True) as con:
        ((events,),) = con.execute("SELECT count(*) FROM events").fetchall()
    return ws, int(events)


def timed(call, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    call()  # warm: compiled kernels, hot columns, file cache
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=1_500_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ws, events = workspace(args.customers)
    load = os.getloadavg()[0]
    series = timed(lambda: series_workspace(ws, every="week"), args.repeat)
    cpu = time.process_time()  # DuckDB's threads included: what the load does not inflate
    timeline = series_workspace(ws, every="week")[SAMPLE]
    series_cpu = time.process_time() - cpu
    measured = timed(lambda: measure_workspace(ws), args.repeat)
    cpu = time.process_time()
    measure_workspace(ws)
    measured_cpu = time.process_time() - cpu
    weeks = len(timeline.series[0].points)
    print(
        "| customers | events | analysis | series × weeks | best s | median s | CPU s | "
        "load (1 min) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    print(
        f"| {args.customers:,} | {events:,} | weekly series of every KPI | "
        f"{len(timeline.series)} × {weeks} | {min(series):.2f} | {statistics.median(series):.2f} | "
        f"{series_cpu:.2f} | {load:.1f} → {os.getloadavg()[0]:.1f} |"
    )
    print(
        f"| {args.customers:,} | {events:,} | measured map (all time) | – | "
        f"{min(measured):.2f} | {statistics.median(measured):.2f} | {measured_cpu:.2f} | |"
    )


if __name__ == "__main__":
    main()
