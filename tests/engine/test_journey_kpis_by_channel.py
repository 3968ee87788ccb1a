"""Per-channel counts of a bound journey, and the time customers take to reach the next stage."""

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
DAY = 86_400.0
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


def test_next_stage_lag(kpis: JourneyKpis) -> None:
    assert kpis.next_stage_lag("visite", q=1.0) == pytest.approx(8 * DAY)
    assert kpis.next_stage_lag("visite", q=0.5) == pytest.approx((1 * DAY + 8 * DAY) / 2)
    assert kpis.next_stage_lag("paiement") is None
