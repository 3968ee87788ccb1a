"""Seconds from `parcours serve DEMO` to the measured demo map in a client's hands.

    python bench/web_first_map.py [DEMO]      # default: ./demo, as `make demo` writes it

Starts the command as a user types it (a new process, the installed `parcours` of this
Python), polls http://127.0.0.1:PORT/journeys/sport_subscription until it answers 200 with the
measured map (its findings summary), and prints the time it took, three times.
"""

from __future__ import annotations

import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

JOURNEY = "sport_subscription"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def first_map(demo: Path) -> float:
    port = free_port()
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "parcours.cli", "serve", str(demo), "--port", str(port)],
        stdout=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                page = httpx.get(f"http://127.0.0.1:{port}/journeys/{JOURNEY}", timeout=30)
                if page.status_code == 200 and "findings-title" in page.text:
                    return time.perf_counter() - started
            except httpx.HTTPError:
                if server.poll() is not None:
                    status = server.returncode
                    raise SystemExit(f"parcours serve stopped with status {status}") from None
            time.sleep(0.05)
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    demo = Path(sys.argv[1] if len(sys.argv) > 1 else "demo")
    if not (demo / "parcours.toml").is_file():
        raise SystemExit(f"{demo}: no demo workspace; run `make demo` first")
    runs = [first_map(demo) for _ in range(3)]
    print(
        f"parcours serve {demo} -> measured map: {', '.join(f'{r:.2f} s' for r in runs)} "
        f"(median {statistics.median(runs):.2f} s)"
    )


if __name__ == "__main__":
    main()
