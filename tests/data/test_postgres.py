"""Reading events from a real PostgreSQL (PARCOURS_TEST_POSTGRES_URL) through SQLAlchemy.

Without a reachable server the tests skip, except under CI (env ``CI`` set), where they fail.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime

import pytest
from tests.postgres import URL, postgres_engine

from parcours.data import ColumnMapping, read_events

from .conftest import rows

sqlalchemy = pytest.importorskip("sqlalchemy")
pytestmark = pytest.mark.postgres


@pytest.fixture
def engine() -> Iterator[object]:
    engine = postgres_engine()
    yield engine
    engine.dispose()


@pytest.fixture
def table(engine) -> Iterator[str]:
    name = f"parcours_test_{uuid.uuid4().hex[:12]}"
    with engine.begin() as con:
        con.execute(
            sqlalchemy.text(
                f"CREATE TABLE {name} (client TEXT, at TIMESTAMPTZ, action TEXT, amount NUMERIC)"
            )
        )
        con.execute(
            sqlalchemy.text(
                f"INSERT INTO {name} VALUES "
                "('c1', '2024-05-01 12:00+02', 'visit', 1.5), ('c2', NULL, 'visit', 2), "
                "('c1', '2024-05-01 09:00+00', 'buy', 10)"
            )
        )
    yield name
    with engine.begin() as con:
        con.execute(sqlalchemy.text(f"DROP TABLE IF EXISTS {name}"))


MAPPING = ColumnMapping(columns={"customer_id": "client", "timestamp": "at", "event": "action"})


def test_postgres_table_with_time_zones_and_quarantine(table: str) -> None:
    log = read_events(URL, MAPPING, table=table)
    assert rows(
        log.connection,
        "SELECT customer_id, timestamp, event, properties->>'amount' FROM events "
        "ORDER BY customer_id, timestamp",
    ) == [
        ("c1", datetime(2024, 5, 1, 9), "buy", "10"),
        ("c1", datetime(2024, 5, 1, 10), "visit", "1.5"),
    ]
    assert rows(log.connection, "SELECT line, reason FROM quarantine") == [(2, "missing timestamp")]
    assert log.report.reconciled and log.report.read == 3
    assert "***" not in log.report.files[0].source or ":" in URL


def test_postgres_query(table: str) -> None:
    log = read_events(URL, MAPPING, query=f"SELECT * FROM {table} WHERE action = 'buy'")
    assert len(log) == 1 and log.report.files[0].source.endswith("WHERE action = 'buy'")
