"""`parcours serve`: the measured demo map at http://127.0.0.1:PORT/, and never an open
workspace on a network address."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from click.testing import CliRunner

from parcours.cli import main
from parcours.store import Store
from parcours.web.server import is_loopback

from .conftest import JOURNEY, free_port


def test_serve_refuses_a_network_address_without_accounts(workspace: Path) -> None:
    result = CliRunner().invoke(main, ["serve", str(workspace), "--host", "0.0.0.0"])
    assert result.exit_code == 1
    assert "no account" in result.output and "parcours user add" in result.output
    assert "Traceback" not in result.output


def test_loopback_addresses() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    assert not is_loopback("example.org")


def start_serve(workspace: Path) -> tuple[subprocess.Popen[bytes], int]:
    """`parcours serve WORKSPACE` in a child process; it and its port."""
    port = free_port()
    command = [sys.executable, "-m", "parcours.cli", "serve", str(workspace), "--port", str(port)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL), port


def test_parcours_serve_shows_the_measured_demo_map(workspace: Path, store: Store) -> None:
    store.close()
    server, port = start_serve(workspace)
    try:
        page = None
        for _ in range(300):
            try:
                page = httpx.get(f"http://127.0.0.1:{port}/journeys/{JOURNEY}", timeout=5)
                break
            except httpx.HTTPError:
                if server.poll() is not None:
                    break
                time.sleep(0.1)
        assert page is not None, f"parcours serve ended with status {server.returncode}"
        assert page.status_code == 200
        assert "data-stage=" in page.text and "findings-title" in page.text
    finally:
        server.terminate()
        server.wait(10)


def test_serve_needs_a_workspace(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["serve", str(tmp_path / "nowhere")])
    assert result.exit_code == 1 and "init-workspace" in result.output
    assert not (tmp_path / "nowhere").exists()


def test_ctrl_c_stops_the_server_while_an_event_stream_is_open(
    workspace: Path, store: Store
) -> None:
    store.close()
    server, port = start_serve(workspace)
    try:
        url = f"http://127.0.0.1:{port}/journeys/{JOURNEY}/events"
        for _ in range(300):
            try:
                with httpx.stream("GET", url, timeout=10) as stream:
                    first = next(stream.iter_lines())
                    assert first.startswith("retry:")
                    server.send_signal(signal.SIGINT)
                    # the stream ends (uvicorn would otherwise wait for it), then the server;
                    # it stops as on Ctrl-C in a terminal ("Aborted!")
                    server.wait(20)
                break
            except httpx.ConnectError:
                assert server.poll() is None, f"parcours serve ended with {server.returncode}"
                time.sleep(0.1)
        assert server.poll() is not None
    finally:
        if server.poll() is None:
            server.kill()
        server.wait(10)
