"""The web app on a real workspace (the demo, measured), a real store (SQLite in the
workspace) and, for the browser tests, a real server in a thread and a real Chromium."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient

from parcours.data.workspace import Workspace
from parcours.demo import build_demo
from parcours.settings import Settings
from parcours.store import Role, Store, open_store
from parcours.web import create_app
from parcours.web.security import CSRF_COOKIE

PASSWORD = "correct horse battery staple 42"
JOURNEY = "sport_subscription"
OTHER = "omnichannel_retail"
#: One user per role on JOURNEY only (``admin`` is the admin flag), and one with nothing.
ROLES = ("admin", "owner", "editor", "commenter", "viewer", "nobody")


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo workspace, built and measured once per test session."""
    return build_demo(tmp_path_factory.mktemp("web") / "demo", customers=400).root


@pytest.fixture
def workspace(demo_template: Path, tmp_path: Path) -> Path:
    """A copy of the demo workspace of one's own."""
    return Path(shutil.copytree(demo_template, tmp_path / "demo"))


@pytest.fixture
def store(workspace: Path) -> Iterator[Store]:
    with open_store(Settings.load(workspace)) as opened:
        opened.sync_workspace(Workspace.open(workspace))
        yield opened


def add_users(store: Store) -> dict[str, int]:
    """One account per role of ROLES, granted on JOURNEY (the admin by its flag)."""
    ids = {}
    for role in ROLES:
        user = store.add_user(f"{role}@example.org", PASSWORD, admin=role == "admin")
        ids[role] = user.id
        if role not in ("admin", "nobody"):
            store.grant(user.id, Role(role), JOURNEY)
    return ids


def client_for(workspace: Path, store: Store, *, local: bool = True) -> TestClient:
    app = create_app(Settings.load(workspace), store=store, local=local)
    app.state.live.max_seconds = 0  # TestClient reads whole answers: event streams end at once
    return TestClient(app, base_url="https://testserver", follow_redirects=False)


@pytest.fixture
def local_client(workspace: Path, store: Store) -> Iterator[TestClient]:
    """The app on this machine, with no account: the local user may do everything."""
    with client_for(workspace, store) as client:
        yield client


@pytest.fixture
def users(store: Store) -> dict[str, int]:
    return add_users(store)


@pytest.fixture
def app_client(workspace: Path, store: Store, users: dict[str, int]) -> Iterator[TestClient]:
    """The app of a workspace with accounts (nobody logged in yet)."""
    with client_for(workspace, store) as client:
        yield client


def csrf(client: TestClient) -> str:
    """The CSRF token of ``client``'s session (or of its CSRF cookie before logging in)."""
    if CSRF_COOKIE not in client.cookies:
        client.get("/login")
    return str(client.get("/api/me").json()["csrf"])


def login(client: TestClient, email: str, password: str = PASSWORD) -> None:
    token = csrf(client)
    answer = client.post(
        "/login", data={"email": email, "password": password, "csrf": token, "next": "/journeys"}
    )
    assert answer.status_code == 303, answer.text


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """uvicorn serving an app on 127.0.0.1 in a thread."""

    def __init__(self, app: object) -> None:
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start in 20 s")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        live = getattr(getattr(self.server.config.app, "state", None), "live", None)
        if live is not None:  # end the event streams, as `parcours serve` does on Ctrl-C
            live.stop()
        self.server.should_exit = True
        self.thread.join(10)
