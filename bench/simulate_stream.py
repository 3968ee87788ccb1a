"""How fast the simulator streams events to Parquet, and its peak memory.

    .venv/bin/python bench/simulate_stream.py --customers 1500000

Prints a markdown table: customers, rows per table, wall and CPU seconds, events per second,
peak resident memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time

from parcours.samples import load_sample, sample_events
from parcours.simulate import SimulationConfig, simulate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=1_500_000)
    parser.add_argument("--sample", default="sport_subscription")
    args = parser.parse_args()
    journey = load_sample(args.sample)
    config = SimulationConfig(customers=args.customers)
    with tempfile.TemporaryDirectory() as directory:
        wall, cpu = time.perf_counter(), time.process_time()
        result = simulate(journey, directory, config, catalogue=sample_events(args.sample))
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    events = result.rows["events"]
    print("| customers | events | feedback | orders | wall s | CPU s | events/s | peak RSS GB |")
    print("|---|---|---|---|---|---|---|---|")
    print(
        f"| {args.customers:,} | {events:,} | {result.rows['feedback']:,} | "
        f"{result.rows['orders']:,} | {wall:.1f} | {cpu:.1f} | {events / wall:,.0f} | "
        f"{peak:.2f} |"
    )
    print(f"\nload average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
