"""Bench: append a day of events to a workspace that holds N, ingest + hot columns up to date.

Usage (after ``bench/ingest_parquet.py --events N`` has generated the file, or it is generated
here)::

    .venv/bin/python bench/ingest_append.py --events 100_000_000 --append 1_000_000

Each step runs in a fresh child process (peak memory is its own; numba's machine code is cached
on disk, as after any first run): (1) a workspace importing ``events_<N>.parquet`` and building
its hot columns (the setup, timed too); (2) the measured step: ``events_append_<M>.parquet``
(seed 1: customers among the first N/20 of the base, times anywhere in the same year, so the new
rows interleave with the history) is put beside it, the workspace ingests (only the new file is
imported) and its first funnel brings the hot columns up to date (merged, says ``meta.json``);
(3) a workspace built from scratch from both files, with the same funnel. Prints the seconds of
each step and checks that the funnel counts of (2) and (3) are equal.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from ingest_parquet import OUT, generate

STEPS = ["visit", "view", "add_to_cart", "checkout", "purchase"]


def step(root: Path, files: list[Path]) -> dict[str, object]:
    """Link ``files`` into the workspace at ``root`` (created when missing), ingest, then run a
    funnel (which brings the hot columns up to date); the figures (in a child process)."""
    from parcours.data.workspace import Workspace, create_workspace
    from parcours.engine import funnel
    from parcours.engine.columns import columns_meta, event_columns
    from parcours.engine.workspace_tables import workspace_tables

    data = root / "data"
    if not (root / "parcours.toml").exists():
        data.mkdir(parents=True)
        create_workspace(root, sources={"events": {"path": "data"}})
    for file in files:
        (data / file.name).symlink_to(file.resolve())
    workspace = Workspace.open(root)
    began = time.perf_counter()
    report = workspace.ingest()
    ingest_seconds = time.perf_counter() - began
    with workspace_tables(workspace) as log:
        columns = event_columns(log)  # type: ignore[arg-type]
        columns_seconds = time.perf_counter() - began - ingest_seconds
        counts = funnel(log, STEPS).counts
    meta = columns_meta(workspace.settings.database_path) or {}
    return {
        "imported": [Path(f.source).name for f in report.files if f.status == "imported"],
        "loaded": report.loaded,
        "reconciled": report.reconciled,
        "ingest_seconds": ingest_seconds,
        "columns_seconds": columns_seconds,
        "rows": len(columns.ts),
        "built": meta.get("built"),
        "counts": counts,
        "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2,
    }


def _child(root: Path, files: list[Path]) -> dict[str, object]:
    args = [sys.executable, __file__, "--child", str(root), *map(str, files)]
    child = subprocess.run(args, check=True, capture_output=True, text=True)
    figures: dict[str, object] = json.loads(child.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    number = lambda s: int(s.replace("_", ""))  # noqa: E731
    parser.add_argument("--events", type=number, default=10_000_000)
    parser.add_argument("--append", type=number, default=1_000_000)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(step(Path(args.child[0]), [Path(f) for f in args.child[1:]])))
        return
    OUT.mkdir(exist_ok=True)
    base = OUT / f"events_{args.events}.parquet"
    extra = OUT / f"events_append_{args.append}.parquet"
    for path, n, seed in ((base, args.events, 0), (extra, args.append, 1)):
        if not path.exists():
            generate(n, path, seed=seed, customers=args.events // 20)
    grown, scratch = OUT / "append_grown", OUT / "append_scratch"
    for root in (grown, scratch):
        shutil.rmtree(root, ignore_errors=True)
    rows = []
    for label, root, files in (
        (f"setup: import {args.events:,} events, build", grown, [base]),
        (f"append {args.append:,} events, merge", grown, [extra]),
        (f"from scratch: {args.events + args.append:,} events, build", scratch, [base, extra]),
    ):
        f = _child(root, files)
        rows.append(f)
        total = float(f["ingest_seconds"]) + float(f["columns_seconds"])  # type: ignore[arg-type]
        print(
            f"| {label} | {', '.join(f['imported'])} | {f['loaded']:,} | {f['reconciled']} | "  # type: ignore[arg-type]
            f"{f['built']} | {f['ingest_seconds']:.1f} | {f['columns_seconds']:.1f} | "
            f"{total:.1f} | {f['peak_gb']:.2f} | {f['counts']} |",
            flush=True,
        )
    same = rows[1]["counts"] == rows[2]["counts"] and rows[1]["rows"] == rows[2]["rows"]
    print(f"appended workspace measures like the one built from scratch: {same}")
    for root in (grown, scratch):
        shutil.rmtree(root, ignore_errors=True)
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
