"""``parcours serve`` in a child process on 127.0.0.1, for the web benchmarks."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


@contextmanager
def served(root: Path, port: int, env: dict[str, str] | None = None) -> Iterator[str]:
    """Serve the workspace ``root`` at http://127.0.0.1:PORT (its URL, once it answers, for
    at most two minutes); stopped on leaving."""
    server = subprocess.Popen(
        [sys.executable, "-m", "parcours.cli", "serve", str(root), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(1200):
            try:
                httpx.get(f"{base}/login", timeout=1)
                break
            except httpx.HTTPError:
                if server.poll() is not None:
                    message = f"parcours serve {root} ended with {server.returncode}"
                    raise SystemExit(message) from None
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
