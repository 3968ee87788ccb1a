"""How long `parcours --help` takes, from a new process to its exit (issue 14: <= 0.3 s).

    .venv/bin/python bench/cli_startup.py --runs 10

Runs ``python -m parcours.cli --help`` (what the ``parcours`` script runs) ``--runs`` times, one
after the other, after one warm-up run that fills the file cache and the bytecode cache, and
prints a markdown table: the median, fastest and slowest wall time, and the modules that
``parcours.cli`` imports directly (``python -X importtime``: the five slowest, cumulative).
``--src OTHER/src`` times another checkout (the code before a change).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def _env(src: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(src), env.get("PYTHONPATH")) if p)
    return env


def _once(env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "parcours.cli", "--help"],
        check=True,
        stdout=subprocess.DEVNULL,
        env=env,
    )
    return time.perf_counter() - start


def _slowest_imports(env: dict[str, str], top: int) -> list[tuple[str, float]]:
    ran = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import parcours.cli"],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    found: list[tuple[str, float]] = []
    pending: list[tuple[str, float]] = []  # importtime lists a module after what it imports
    for line in ran.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line[len("import time:") :].split("|")
        seconds = int(cumulative) / 1e6
        if not name.startswith("  "):  # a top-level import of the script
            if name.strip() == "parcours.cli":
                found = [(name.strip(), seconds), *pending]
            pending = []
        elif not name.startswith("    "):
            pending.append((name.strip(), seconds))
    return sorted(found, key=lambda item: -item[1])[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument(
        "--src", type=Path, default=SRC, help="The src/ folder to time (another checkout's)."
    )
    args = parser.parse_args()
    env = _env(args.src)
    _once(env)  # warm-up: file cache, __pycache__
    times = [_once(env) for _ in range(args.runs)]
    print("| command | runs | median s | fastest s | slowest s |")
    print("|---|---|---|---|---|")
    print(
        f"| `parcours --help` | {args.runs} | {statistics.median(times):.3f} | "
        f"{min(times):.3f} | {max(times):.3f} |"
    )
    print()
    print("| slowest imports of `import parcours.cli` | cumulative s |")
    print("|---|---|")
    for name, seconds in _slowest_imports(env, 5):
        print(f"| {name} | {seconds:.3f} |")


if __name__ == "__main__":
    main()
