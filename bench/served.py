"""``parcours serve`` in a child process on 127.0.0.1, for the web benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def served(
    root: Path, port: int, env: dict[str, str] | None = None, ready: str = "/login"
) -> Iterator[tuple[str, int]]:
    """The base URL and process id of ``parcours serve ROOT --port PORT``, once it answers
    ``ready``; the server is stopped on leaving."""
    server = subprocess.Popen(
        [sys.executable, "-m", "parcours.cli", "serve", str(root), "--port", str(port)],
        env=env or dict(os.environ),
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            if server.poll() is not None:
                raise SystemExit(f"parcours serve {root} stopped (status {server.returncode})")
            try:
                httpx.get(f"{base}{ready}", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield base, server.pid
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
