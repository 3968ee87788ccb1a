"""pm4py side of bench/engine_compare.py; runs in its own virtualenv (pm4py is AGPL, parcours never
imports it):

    python3 -m venv /tmp/pm4py-venv && /tmp/pm4py-venv/bin/pip install pm4py
    /tmp/pm4py-venv/bin/python bench/engine_pm4py_run.py LOG.parquet

Reads a Parquet log (``case_id``, ``activity``, ``timestamp``), times DFG discovery, variants
and the performance DFG, and prints one JSON object: seconds per step and the results to compare.
"""

from __future__ import annotations

import json
import resource
import sys
import time

import pandas as pd
import pm4py


def main() -> None:
    start = time.perf_counter()
    frame = pd.read_parquet(sys.argv[1])
    frame = pm4py.format_dataframe(
        frame, case_id="case_id", activity_key="activity", timestamp_key="timestamp"
    )
    seconds = {"read_and_format": time.perf_counter() - start}
    start = time.perf_counter()
    dfg, starts, ends = pm4py.discover_dfg(frame)
    seconds["dfg"] = time.perf_counter() - start
    start = time.perf_counter()
    variants = pm4py.get_variants(frame)
    seconds["variants"] = time.perf_counter() - start
    start = time.perf_counter()
    pm4py.discover_performance_dfg(frame)
    seconds["performance_dfg"] = time.perf_counter() - start
    counts = sorted(((list(v), int(n)) for v, n in variants.items()), key=lambda p: -p[1])
    print(
        json.dumps(
            {
                "pm4py": pm4py.__version__,
                "seconds": seconds,
                "peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6,
                "dfg": sorted([a, b, int(n)] for (a, b), n in dfg.items()),
                "start": {k: int(v) for k, v in starts.items()},
                "end": {k: int(v) for k, v in ends.items()},
                "n_variants": len(variants),
                "top_variants": counts[:20],
            }
        )
    )


if __name__ == "__main__":
    main()
