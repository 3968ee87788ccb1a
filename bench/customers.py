"""Bench: segments and lead scores of 1.5M customers (the series bench's workspace).

Usage::

    .venv/bin/python bench/customers.py --customers 1_500_000 [--repeat 3]

Reuses ``bench/series.py``'s builder (the ``sport_subscription`` sample simulated and ingested
into ``bench/out/series_<N>/`` once), then times on DuckDB, warm, each on the whole base:
RFM segments (on the orders), the behavioural features and k-means clusters (k = 2..6 by
silhouette, fitted on a 20k sample, every customer assigned), and the rule-based lead scores
(9 rules with decay and caps). Prints a markdown table with the best and median of the runs,
the CPU seconds of one more run (DuckDB's threads included) and the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from series import timed, workspace

from parcours.engine.customers.clusters import cluster, journey_features
from parcours.engine.customers.rfm import rfm
from parcours.engine.customers.scoring import score_leads
from parcours.engine.customers.scoring_rules import parse_rules
from parcours.engine.workspace_tables import workspace_tables

RULES = parse_rules(
    {
        "name": "bench",
        "half_life": 30,
        "thresholds": {"mql": 20, "sql": 40},
        "groups": {"email": 6},
        "rules": [
            {"name": "pricing", "event": "pricing_view", "points": 8},
            {"name": "trial", "event": "trial_started", "points": 15, "once": True},
            {"name": "plan", "event": "plan_selected", "points": 10},
            {"name": "opened", "event": "email_opened", "points": 1, "group": "email"},
            {"name": "clicked", "event": "email_clicked", "points": 3, "group": "email"},
            {"name": "failed", "event": "payment_failed", "points": -5},
            {"name": "cancelled", "event": "subscription_cancelled", "points": -25, "once": True},
            {"name": "app", "kind": "fit", "channel": "app", "points": 10},
            {"name": "caller", "kind": "fit", "event": "call_centre_call", "points": 5},
        ],
    },
    "bench",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=1_500_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ws, events = workspace(args.customers)
    rows = []
    load = os.getloadavg()[0]
    with workspace_tables(ws) as log:
        steps = {
            "RFM segments (orders)": lambda: rfm(log),
            "features + k-means (k=2..6)": lambda: cluster(
                journey_features(log, event="subscription_started"), ks=range(2, 7)
            ),
            "lead scores (9 rules)": lambda: score_leads(log, RULES),
        }
        sizes = {
            "RFM segments (orders)": len(rfm(log).frame),
            "features + k-means (k=2..6)": len(journey_features(log, event="x")),
            "lead scores (9 rules)": len(score_leads(log, RULES).frame),
        }
        for name, call in steps.items():
            runs = timed(call, args.repeat)
            cpu = time.process_time()  # DuckDB's threads included: what the load does not inflate
            call()
            rows.append((name, sizes[name], runs, time.process_time() - cpu))
        cpu, start = time.process_time(), time.perf_counter()
        for call in steps.values():
            call()
        total, total_cpu = time.perf_counter() - start, time.process_time() - cpu
    print(
        "| customers | events | analysis | customers scored | best s | median s | CPU s | "
        "load (1 min) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, size, runs, used in rows:
        print(
            f"| {args.customers:,} | {events:,} | {name} | {size:,} | {min(runs):.2f} | "
            f"{statistics.median(runs):.2f} | {used:.2f} | |"
        )
    print(
        f"| {args.customers:,} | {events:,} | all three, one after the other | – | "
        f"{total:.2f} | – | {total_cpu:.2f} | {load:.1f} → {os.getloadavg()[0]:.1f} |"
    )


if __name__ == "__main__":
    main()
