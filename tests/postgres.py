"""A real PostgreSQL for the tests (PARCOURS_TEST_POSTGRES_URL, default
postgresql://postgres@127.0.0.1:5432/test): an engine on it, or a skip that says how to point
the tests at one (a failure under CI, where these tests must run); and engines bound to a fresh
schema of their own, dropped afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from parcours.store.store import engine_url

URL = os.environ.get("PARCOURS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def postgres_engine(**options: Any) -> sa.Engine:
    """An engine on the test server, or a skip (a failure under CI) naming the variable."""
    engine = sa.create_engine(engine_url(URL), **options)
    try:
        with engine.connect():
            pass
    except Exception as exc:
        engine.dispose()
        message = (
            f"PostgreSQL unreachable at {URL} ({type(exc).__name__}); point the tests "
            "at one with PARCOURS_TEST_POSTGRES_URL=postgresql://user@host:port/db"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return engine


@contextmanager
def fresh_schema(prefix: str) -> Iterator[Callable[[], sa.Engine]]:
    """A function making engines whose connections work in one new schema, dropped (and the
    engines disposed) when the block ends."""
    admin = postgres_engine(isolation_level="AUTOCOMMIT")
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engines: list[sa.Engine] = []

    def make() -> sa.Engine:
        engine = sa.create_engine(engine_url(URL))

        @event.listens_for(engine, "connect")
        def _in_schema(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute(f'SET search_path TO "{schema}"')
            cursor.close()
            dbapi_connection.commit()

        engines.append(engine)
        return engine

    try:
        yield make
    finally:
        for engine in engines:
            engine.dispose()
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
