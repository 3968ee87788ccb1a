"""Bench: ``find_insights`` (every detector) on the sports sample.

Usage::

    .venv/bin/python bench/insights.py --customers 1_500_000 [--every day] [--repeat 2] [--planted]

Reuses the workspace of ``bench/series.py`` (``bench/out/series_<N>/``: the sample simulated for
N customers, no planted incident, one channel per touchpoint), building it when missing; with
``--planted``, a workspace ``bench/out/insights_<N>/`` whose customers use the app or the web
(60/40) and whose web customers abandon twice as often at the payment page for two weeks of
March, so that the channel explanations run too. Times ``find_insights`` warm (the first run
also warms the file cache), prints the best and median of the runs, the findings, and the
machine's load average, and the CPU seconds of one more run (DuckDB's threads included).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from series import timed, workspace

from parcours.data.workspace import Workspace
from parcours.insight import find_insights

PLANTED = {
    "kind": "abandonment",
    "touchpoint": "page-paiement",
    "change": 1.0,
    "from": "2026-03-02",
    "to": "2026-03-16",
    "channel": "web",
}


def planted_workspace(customers: int) -> tuple[Workspace, int]:
    settings = {"channel_mix": {"app": 0.6, "web": 0.4}, "effects": [PLANTED]}
    return workspace(customers, "insights", settings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=1_500_000)
    parser.add_argument("--every", choices=["day", "week"], default="day")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--planted", action="store_true")
    args = parser.parse_args()
    ws, events = (planted_workspace if args.planted else workspace)(args.customers)
    load_before = os.getloadavg()[0]
    runs = timed(lambda: find_insights(ws, every=args.every), args.repeat)
    load_after = os.getloadavg()[0]
    cpu = time.process_time()  # DuckDB's threads included: what the load does not inflate
    found = find_insights(ws, every=args.every)
    cpu = time.process_time() - cpu
    kind = "planted web incident" if args.planted else "no planted incident"
    print(
        "| customers | events | data | every | findings | best s | median s | CPU s | "
        "load (1 min) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {args.customers:,} | {events:,} | {kind} | {args.every} | {len(found.findings)} | "
        f"{min(runs):.2f} | {statistics.median(runs):.2f} | {cpu:.2f} | "
        f"{load_before:.1f} → {load_after:.1f} |"
    )
    for rank, finding in enumerate(found.findings[:5], 1):
        print(f"{rank}. {finding.summary['en']}")


if __name__ == "__main__":
    main()
