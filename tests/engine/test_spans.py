"""DuckDB's compiled spans (each customer's first and last time at every place and overall, and
each place's distinct customers per period) hold what the SQL they replaced holds (Spark's:
``keep_spans_sql``): on a hand-made log counted by hand, and on a random log with ties in
time, unbound events, customers with many events and rows stored out of order, for every
period length."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import duckdb
import pytest

from parcours.engine import EventLog
from parcours.engine.backend import Backend
from parcours.engine.binding import bound
from parcours.engine.journey_kpis import keep_spans_sql
from parcours.engine.period import Every
from parcours.engine.spans_result import PlaceCustomers

from .conftest import BOUTIQUE

#: (customer, time, event); event_seq is the position in this list
EVENTS = [
    ("c1", "2026-03-01 10:00", "page_view"),  # a Sunday: week of February 23rd
    ("c1", "2026-03-01 10:05", "newsletter"),  # bound to nothing: the customer's span only
    ("c1", "2026-03-02 09:00", "faq_view"),  # the stage again, next week, no touchpoint
    ("c1", "2026-03-02 10:00", "payment_started"),
    ("c2", "2026-03-31 23:00", "page_view"),
    ("c2", "2026-04-01 08:00", "page_view"),  # the site again, in April
    ("c3", "2026-03-03 12:00", "newsletter"),  # never at a place
]


def _log(con: duckdb.DuckDBPyConnection, rows: list[tuple[str, datetime | str, str]]) -> None:
    con.execute(
        "CREATE TABLE events (customer_id VARCHAR, timestamp TIMESTAMP, event VARCHAR,"
        " channel VARCHAR, event_seq BIGINT, properties JSON)"
    )
    stored = list(enumerate(rows))
    random.Random(5).shuffle(stored)  # stored out of event_seq order
    con.executemany(
        "INSERT INTO events VALUES (?, ?, ?, 'web', ?, NULL)",
        [[c, t, e, seq] for seq, (c, t, e) in stored],
    )


@pytest.fixture(scope="module")
def hand() -> Iterator[Backend]:
    con = duckdb.connect()
    _log(con, EVENTS)
    with bound(EventLog(con, "events"), BOUTIQUE) as (tied, _):
        yield tied


def _random_rows() -> list[tuple[str, datetime, str]]:
    rng = random.Random(11)
    names = ["page_view", "faq_view", "payment_started", "newsletter"]
    start = datetime(2025, 12, 20)
    rows = []
    for c in range(300):
        many = 150 if c % 50 == 0 else rng.randint(1, 12)  # a few with more than a bucket holds
        for _ in range(many):
            minutes = rng.randint(0, 60 * 24 * 80) // 30 * 30  # ties in time
            rows.append((f"u{c}", start + timedelta(minutes=minutes), rng.choice(names)))
    rng.shuffle(rows)
    return rows


@pytest.fixture(scope="module")
def drawn() -> Iterator[Backend]:
    con = duckdb.connect()
    _log(con, _random_rows())
    with bound(EventLog(con, "events"), BOUTIQUE) as (tied, _):
        yield tied


def _kept(log: Backend, every: Every | None, compiled: bool) -> tuple[set, PlaceCustomers]:
    """The spans' rows (customers by ``hash(customer_id)``) and the counts, kept either way."""
    name = f"spans_{'compiled' if compiled else 'sql'}"
    keep = log.keep_spans if compiled else lambda *a: keep_spans_sql(log, *a)
    counts = keep(name, every)
    key = "customer" if compiled else "hash(customer)"
    found = set(log.rows(f"SELECT {key}, level, place, first, last FROM {name}"))
    log.drop(name)
    return found, {p: c for p, c in counts.items() if c}


def test_spans_and_customers_by_hand(hand: Backend) -> None:
    found, counts = _kept(hand, "week", compiled=True)
    keys = dict(hand.rows("SELECT customer_id, hash(customer_id) FROM {events}"))
    at = datetime.fromisoformat
    assert found == {
        (keys["c1"], "customer", None, at("2026-03-01 10:00"), at("2026-03-02 10:00")),
        (keys["c1"], "stage", "visite", at("2026-03-01 10:00"), at("2026-03-02 09:00")),
        (keys["c1"], "touchpoint", "site", at("2026-03-01 10:00"), at("2026-03-01 10:00")),
        (keys["c1"], "stage", "paiement", at("2026-03-02 10:00"), at("2026-03-02 10:00")),
        (keys["c1"], "touchpoint", "paiement", at("2026-03-02 10:00"), at("2026-03-02 10:00")),
        (keys["c2"], "customer", None, at("2026-03-31 23:00"), at("2026-04-01 08:00")),
        (keys["c2"], "stage", "visite", at("2026-03-31 23:00"), at("2026-04-01 08:00")),
        (keys["c2"], "touchpoint", "site", at("2026-03-31 23:00"), at("2026-04-01 08:00")),
        (keys["c3"], "customer", None, at("2026-03-03 12:00"), at("2026-03-03 12:00")),
    }
    feb_23, march_2, march_30 = date(2026, 2, 23), date(2026, 3, 2), date(2026, 3, 30)
    assert counts == {
        ("stage", "visite"): {feb_23: 1, march_2: 1, march_30: 1},
        ("touchpoint", "site"): {feb_23: 1, march_30: 1},
        ("stage", "paiement"): {march_2: 1},
        ("touchpoint", "paiement"): {march_2: 1},
    }
    _, months = _kept(hand, "month", compiled=True)
    assert months[("touchpoint", "site")] == {date(2026, 3, 1): 2, date(2026, 4, 1): 1}
    _, overall = _kept(hand, None, compiled=True)
    assert overall[("stage", "visite")] == {None: 2}


@pytest.mark.parametrize("every", [None, "day", "week", "month"])
def test_compiled_spans_equal_sql(hand: Backend, drawn: Backend, every: Every | None) -> None:
    for log in (hand, drawn):
        assert _kept(log, every, compiled=True) == _kept(log, every, compiled=False)
