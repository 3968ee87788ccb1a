"""Write a large feedback CSV for the memory bar (not committed: made on demand).

    python bench/voice_big_file.py /tmp/feedback_1m.csv [--rows 1000000]

Rows cycle through the French and English review sets in ``../shared/data/feedback`` with a
running id and a star rating, so the file looks like a real export: ~120 MB for a million rows.
"""

from __future__ import annotations

import argparse
import csv
import itertools
from pathlib import Path

import voice_data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    pool = [
        text[:200]
        for name in ("allocine_test", "uci_test", "airline")
        for text in voice_data.load(name)["text"].tolist()
    ]
    with args.path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "avis", "note"])
        for row, text in zip(range(args.rows), itertools.cycle(pool), strict=False):
            writer.writerow([f"r{row}", text, 1 + row % 5])
    print(f"{args.rows:,} rows in {args.path} ({args.path.stat().st_size / 1e6:.0f} MB)")


if __name__ == "__main__":
    main()
