"""The store's tests run on SQLite (a file in tmp_path) and on a real PostgreSQL
(PARCOURS_TEST_POSTGRES_URL), each test in a schema of its own that is dropped after it.

Without a reachable PostgreSQL the PostgreSQL cases skip with a hint, except under CI (env
``CI`` set), where they fail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.postgres import fresh_schema

from parcours.store import Store, User

SAMPLES = Path(__file__).parents[2] / "src" / "parcours" / "samples"

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


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
        with fresh_schema("store_test") as make_in_schema:
            yield make_in_schema
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


@pytest.fixture
def small(store: Store, ana: User) -> str:
    """The small journey of JOURNEY_YAML, imported by ana."""
    store.import_journey("small", JOURNEY_YAML, author_id=ana.id)
    return "small"


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
