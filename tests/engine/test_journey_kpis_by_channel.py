"""Per-channel counts of a bound journey, and the days customers take to reach the next stage."""

from collections.abc import Iterator
from datetime import date

import duckdb
import pytest

from parcours.engine import EventLog
from parcours.engine.binding import bind
from parcours.engine.journey_kpis import JourneyKpis
from parcours.model import parse_journey

MAP = """
name: Boutique
stages:
  - name: Visite
    touchpoints:
      - {id: site, name: Site, channel: website, match: {events: [page_view]}}
  - name: Paiement
    touchpoints:
      - {id: paiement, name: Paiement, channel: website, match: {events: [payment_started]}}
"""
EVENTS = [
    ("c1", "2026-03-01 10:00", "page_view", "web"),
    ("c1", "2026-03-01 11:00", "page_view", "app"),  # first at the stage: web
    ("c1", "2026-03-02 10:00", "payment_started", "web"),  # one day later
    ("c2", "2026-03-01 12:00", "page_view", "app"),
    ("c3", "2026-03-02 09:00", "page_view", "app"),
    ("c3", "2026-03-10 09:00", "payment_started", "app"),  # eight days later
    ("c4", "2026-03-02 15:00", "page_view", "web"),
]
MARCH_1, MARCH_2 = date(2026, 3, 1), date(2026, 3, 2)


@pytest.fixture
def kpis() -> Iterator[JourneyKpis]:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE events (customer_id VARCHAR, timestamp TIMESTAMP, event VARCHAR,"
        " channel VARCHAR, event_seq BIGINT, properties JSON)"
    )
    for seq, row in enumerate(EVENTS):
        con.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, NULL)", [*row, seq])
    journey = parse_journey(MAP)
    bound, _ = bind(EventLog(con, "events"), journey)
    with JourneyKpis(bound, journey, "day") as kpis:
        yield kpis


def test_reached_next_by_channel_counts_each_customer_once(kpis: JourneyKpis) -> None:
    assert kpis.reached_next_by("channel", "visite") == {
        (MARCH_1, "web"): (1, 1),
        (MARCH_1, "app"): (1, 0),
        (MARCH_2, "app"): (1, 1),
        (MARCH_2, "web"): (1, 0),
    }
    assert kpis.reached_next_by("channel", "visite", "site") == kpis.reached_next_by(
        "channel", "visite"
    )
    assert kpis.reached_next_by("channel", "paiement") == {}  # the last stage


def test_customers_by_channel(kpis: JourneyKpis) -> None:
    assert kpis.customers_by("channel", "stage", "visite") == {
        (MARCH_1, "web"): 1,
        (MARCH_1, "app"): 2,
        (MARCH_2, "app"): 1,
        (MARCH_2, "web"): 1,
    }


def test_next_stage_days(kpis: JourneyKpis) -> None:
    # c1 reached the payment one day after its first visit, c3 eight days after
    assert kpis.next_stage_days("visite") == {1: 1, 8: 1}
    assert kpis.next_stage_days("paiement") == {}


def test_followed_days(kpis: JourneyKpis) -> None:
    # the last event is c3's, 2026-03-10 09:00; first visits: c1 03-01 10:00, c2 03-01 12:00,
    # c3 03-02 09:00, c4 03-02 15:00
    assert kpis.followed_days("visite") == {8: 3, 7: 1}
    assert kpis.followed_days("paiement") == {7: 1, 0: 1}  # c1 paid 03-02 10:00, c3 03-10
