"""Bindings compiled to SQL: every operator on a real DuckDB, and the coverage report."""

import duckdb
import pytest

from parcours.engine import EventLog
from parcours.engine.binding import bind, compile_matcher, stage_predicate
from parcours.model import EventMatcher, parse_journey

ROWS = [
    ("c1", "2026-01-01 10:00", "page_view", "web", '{"page": "/cart", "amount": 120, "vip": true}'),
    ("c1", "2026-01-01 10:05", "payment_started", "web", '{"amount": 80, "plan": "pro"}'),
    ("c2", "2026-01-02 09:00", "page_view", "app", '{"page": "/home", "user": {"tier": "gold"}}'),
    ("c2", "2026-01-02 09:01", "payment_failed", "app", None),
    ("c3", "2026-01-03 12:00", "newsletter_open", "email", '{"page": "it\'s /cart"}'),
]


@pytest.fixture
def log() -> EventLog:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE events (customer_id VARCHAR, timestamp TIMESTAMP, event VARCHAR,"
        " channel VARCHAR, properties JSON, event_seq BIGINT)"
    )
    for seq, row in enumerate(ROWS):
        con.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)", [*row, seq])
    return EventLog(con, "events")


def matching(log: EventLog, **matcher: object) -> list[int]:
    predicate = compile_matcher(EventMatcher.model_validate(matcher))
    rows = log.execute(f"SELECT event_seq FROM {{events}} WHERE {predicate} ORDER BY 1").fetchall()
    return [r[0] for r in rows]


@pytest.mark.parametrize(
    ("matcher", "expected"),
    [
        ({"events": ["payment_*"]}, [1, 3]),
        ({"events": ["page_view"], "channels": ["app"]}, [2]),
        ({"where": [{"property": "page", "value": "/cart"}]}, [0]),
        ({"where": [{"property": "page", "op": "ne", "value": "/cart"}]}, [2, 4]),
        ({"where": [{"property": "amount", "op": "gt", "value": 100}]}, [0]),
        ({"where": [{"property": "amount", "op": "lte", "value": 80}]}, [1]),
        ({"where": [{"property": "plan", "op": "in", "value": ["pro", "team"]}]}, [1]),
        ({"where": [{"property": "page", "op": "not_in", "value": ["/home"]}]}, [0, 4]),
        ({"where": [{"property": "page", "op": "contains", "value": "cart"}]}, [0, 4]),
        ({"where": [{"property": "page", "op": "glob", "value": "/c*"}]}, [0]),
        ({"where": [{"property": "vip", "value": True}]}, [0]),
        ({"where": [{"property": "user.tier", "value": "gold"}]}, [2]),
        ({"where": [{"property": "amount", "op": "exists"}]}, [0, 1]),
        ({"where": [{"property": "page", "value": "it's /cart"}]}, [4]),
    ],
)
def test_each_operator_selects_the_right_events(
    log: EventLog, matcher: dict[str, object], expected: list[int]
) -> None:
    assert matching(log, **matcher) == expected


MAP = """
name: Boutique
stages:
  - name: Visite
    touchpoints:
      - {id: panier, name: Panier, channel: website,
         match: {events: [page_view], where: [{property: page, value: /cart}]}}
      - {id: accueil, name: Accueil, channel: website, match: {events: [page_view]}}
  - name: Paiement
    match: {events: ["payment_*"]}
    touchpoints:
      - {id: sms, name: SMS, channel: sms, match: {events: [sms_sent]}}
"""


def test_bind_claims_events_in_map_order_and_reports_coverage(log: EventLog) -> None:
    journey = parse_journey(MAP)
    bound, coverage = bind(log, journey)
    rows = bound.execute("SELECT event_seq, touchpoint, stage FROM {events} ORDER BY 1").fetchall()
    assert rows == [
        (0, "panier", "visite"),
        (1, None, "paiement"),
        (2, "accueil", "visite"),
        (3, None, "paiement"),
        (4, None, None),
    ]
    assert coverage.events == 5 and coverage.bound == 4
    assert coverage.unmatched == {"newsletter_open": 1}
    assert coverage.silent_touchpoints == ("sms",)
    assert coverage.per_touchpoint == {"panier": 1, "accueil": 1, "sms": 0}
    predicate = stage_predicate(journey, "paiement")
    assert matching_sql(log, predicate) == [1, 3]


def matching_sql(log: EventLog, predicate: str) -> list[int]:
    rows = log.execute(f"SELECT event_seq FROM {{events}} WHERE {predicate} ORDER BY 1").fetchall()
    return [r[0] for r in rows]
