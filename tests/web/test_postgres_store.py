"""The web app with its store in PostgreSQL (PARCOURS_TEST_POSTGRES_URL; a schema of its own,
dropped after): log in, list, open a map, share it. Without a server the test skips with the
hint, except under CI, where it fails."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.postgres import fresh_schema

from parcours.data.workspace import Workspace
from parcours.store import Store

from .conftest import JOURNEY, add_users, client_for, csrf, login

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_store(workspace: Path) -> Iterator[Store]:
    with fresh_schema("web_test") as make, Store(make()) as store:
        store.sync_workspace(Workspace.open(workspace))
        yield store


def test_the_app_on_a_postgresql_store(workspace: Path, pg_store: Store) -> None:
    add_users(pg_store)
    with client_for(workspace, pg_store) as client:
        assert client.get("/api/journeys").status_code == 401
        login(client, "owner@example.org")
        keys = [j["key"] for j in client.get("/api/journeys").json()["journeys"]]
        assert keys == [JOURNEY]
        assert client.get(f"/journeys/{JOURNEY}").status_code == 200
        created = client.post(f"/journeys/{JOURNEY}/shares", data={"csrf": csrf(client)})
        assert created.status_code == 201 and len(pg_store.shares(JOURNEY)) == 1
        versions = client.get(f"/api/journeys/{JOURNEY}/versions").json()["versions"]
        assert [v["number"] for v in versions] == [1]
