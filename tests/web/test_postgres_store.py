"""The web app with its store in PostgreSQL (PARCOURS_TEST_POSTGRES_URL; a schema of its own,
dropped after): log in, list, open a map, share it. Without a server the test skips with the
hint, except under CI, where it fails."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from parcours.data.workspace import Workspace
from parcours.store import Store
from parcours.store.store import engine_url

from .conftest import JOURNEY, add_users, client_for, csrf, login

URL = os.environ.get("PARCOURS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_store(workspace: Path) -> Iterator[Store]:
    admin = sa.create_engine(engine_url(URL), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect():
            pass
    except Exception as exc:
        admin.dispose()
        message = (
            f"PostgreSQL unreachable at {URL} ({type(exc).__name__}); point the tests "
            "at one with PARCOURS_TEST_POSTGRES_URL=postgresql://user@host:port/db"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    schema = f"web_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine = sa.create_engine(engine_url(URL))

    @event.listens_for(engine, "connect")
    def _in_schema(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f'SET search_path TO "{schema}"')
        cursor.close()
        dbapi_connection.commit()

    try:
        with Store(engine) as store:
            store.sync_workspace(Workspace.open(workspace))
            yield store
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


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
