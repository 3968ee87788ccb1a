"""The store's tests run on SQLite (a file in tmp_path) and on a real PostgreSQL
(PARCOURS_TEST_POSTGRES_URL), each test in a schema of its own that is dropped after it.

Without a reachable PostgreSQL the PostgreSQL cases skip with a hint, except under CI (env
``CI`` set), where they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from parcours.store import Store
from parcours.store.store import engine_url

URL = os.environ.get("PARCOURS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
SAMPLES = Path(__file__).parents[2] / "src" / "parcours" / "samples"

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


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


class Clock:
    """The store's clock, moved by the tests (expiry, idle timeout, throttling)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=BACKENDS)
def make_engine(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Callable[[], sa.Engine]]:
    """Engines on one fresh database: a SQLite file, or a PostgreSQL schema of its own."""
    engines: list[sa.Engine] = []
    if request.param == "sqlite":
        from parcours.store.store import create_engine

        def make() -> sa.Engine:
            engines.append(create_engine(f"sqlite:///{tmp_path / 'store.sqlite'}"))
            return engines[-1]

        yield make
    else:
        admin = postgres_engine(isolation_level="AUTOCOMMIT")
        schema = f"store_test_{uuid.uuid4().hex[:12]}"
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))

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

        yield make
        for engine in engines:
            engine.dispose()
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    for engine in engines:
        engine.dispose()


@pytest.fixture
def store(make_engine: Callable[[], sa.Engine], clock: Clock) -> Iterator[Store]:
    with Store(make_engine(), clock=clock) as opened:
        yield opened


PASSWORD = "correct horse battery staple"


@pytest.fixture
def ana(store: Store):  # type: ignore[no-untyped-def]
    return store.add_user("ana@example.org", PASSWORD, name="Ana", admin=True)


@pytest.fixture
def bob(store: Store):  # type: ignore[no-untyped-def]
    return store.add_user("bob@example.org", "tangerine piano lighthouse")


JOURNEY_YAML = """\
# A small map, with comments that the store keeps.
id: small
name: {fr: "Petit parcours", en: "Small journey"}   # both languages
stages:
  - id: discover
    name: {fr: Découverte, en: Discovery}
    touchpoints:
      - {id: ad, name: Publicité, channel: social_network}
  - id: buy
    name: {fr: Achat, en: Purchase}
"""

JOURNEY_JSON = """{
  "id": "small",
  "name": {"fr": "Petit parcours", "en": "Small journey"},
  "stages": [{"id": "discover", "name": "Découverte"}]
}
"""
