"""Bench: the map measured per segment in a snapshot, each feedback text analysed once.

Usage::

    .venv/bin/python bench/customers_snapshot.py --customers 100_000

Builds the series bench's workspace (``bench/series.py``'s builder) under
``bench/out/segmented_<N>/`` once and segments it (``subscription_started``, k = 2..6), then
times on DuckDB, warm, the map measured for each segment with the voice tier ``fast``: each
measure analysing its own texts (as snapshots did), then sharing the memo of texts the whole
map's measure analysed (as they do). Checks the measures are the same, and prints a markdown
table with the wall and CPU seconds (DuckDB's threads included) and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from series import workspace

from parcours.engine.customers.members import workspace_segments
from parcours.engine.filter import Filter
from parcours.engine.workspace_tables import workspace_tables
from parcours.insight.measure import measure
from parcours.insight.personas import segment_cards
from parcours.insight.voice import Memo
from parcours.model import load_journey


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    args = parser.parse_args()
    ws, events = workspace(args.customers, name="segmented")
    if not (ws.root / "segments.json").exists():
        workspace_segments(ws, event="subscription_started", ks=range(2, 7))
    journey = load_journey(next(iter(ws.journeys().values())))
    load = os.getloadavg()[0]
    rows = []
    with workspace_tables(ws) as log:
        cards = segment_cards(log, journey)
        measure(log, journey, voice="fast")  # warm: the voice models loaded

        def per_segment(memo: Memo | None) -> dict[str, object]:
            return {
                c.segment: measure(
                    log, journey, where=Filter(member_of=c.segment), voice="fast", memo=memo
                ).measures.to_dict()
                for c in cards
            }

        for name, memo in (("each segment's texts analysed again", None), ("shared memo", {})):
            if memo is not None:
                measure(log, journey, voice="fast", memo=memo)  # the whole map's, as a snapshot
            cpu, start = time.process_time(), time.perf_counter()
            measured = per_segment(memo)
            rows.append((name, time.perf_counter() - start, time.process_time() - cpu, measured))
    same = json.dumps(rows[0][3], sort_keys=True) == json.dumps(rows[1][3], sort_keys=True)
    print("| customers | events | segments | measures per segment | s | CPU s | load (1 min) |")
    print("|---|---|---|---|---|---|---|")
    for name, wall, used, _ in rows:
        print(
            f"| {args.customers:,} | {events:,} | {len(cards)} | {name} | {wall:.2f} | "
            f"{used:.2f} | {load:.1f} → {os.getloadavg()[0]:.1f} |"
        )
    print(f"\nthe same measures: {same}")


if __name__ == "__main__":
    main()
