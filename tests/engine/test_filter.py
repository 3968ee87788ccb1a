"""Filters: a calendar time range, event conditions and segments, applied on the engine."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parcours.data.workspace import create_workspace
from parcours.engine import EventLog, funnel, paths
from parcours.engine.filter import Filter, parse_segment, parse_time, parse_where
from parcours.engine.workspace_tables import workspace_tables
from parcours.errors import EngineError
from parcours.model.vocabulary import MatchOp

EVENTS = [  # customer, time, event, channel, properties
    ("a", "2026-03-01 10:00", "view", "web", '{"platform": "mobile", "amount": 10}'),
    ("a", "2026-03-02 10:00", "cart", "web", '{"platform": "mobile", "amount": 30}'),
    ("a", "2026-03-09 10:00", "pay", "app", '{"platform": "mobile", "amount": 30}'),
    ("b", "2026-03-03 10:00", "view", "web", '{"platform": "desktop"}'),
    ("b", "2026-03-04 10:00", "cart", "web", '{"platform": "desktop"}'),
    ("c", "2026-03-10 10:00", "view", "app", '{"platform": "mobile"}'),
    ("c", "2026-03-11 10:00", "pay", "app", '{"platform": "mobile", "amount": 120}'),
]
FEEDBACK = [("a", "2026-03-02 11:00", 5.0), ("c", "2026-03-12 11:00", 1.0)]


@pytest.fixture
def log() -> EventLog:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE events (customer_id VARCHAR, timestamp TIMESTAMP, event VARCHAR,"
        " channel VARCHAR, event_seq BIGINT, properties JSON)"
    )
    for seq, row in enumerate(EVENTS):
        con.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)", [*row[:4], seq, row[4]])
    con.execute("CREATE TABLE feedback (customer_id VARCHAR, timestamp TIMESTAMP, rating DOUBLE)")
    con.executemany("INSERT INTO feedback VALUES (?, ?, ?)", FEEDBACK)
    return EventLog(con, "events", tables={"feedback": "feedback"})


def customers(log: EventLog) -> list[str]:
    return [r[0] for r in log.rows("SELECT DISTINCT customer_id FROM {events} ORDER BY 1")]


def test_a_time_range_keeps_events_and_answers_in_calendar_time(log: EventLog) -> None:
    week = Filter(since=dt.datetime(2026, 3, 2), until=dt.datetime(2026, 3, 9))
    seen = week.apply(log)
    assert seen.count() == 3  # a's cart, b's view and cart: the until day is excluded
    assert seen.rows("SELECT count(*) FROM {feedback}") == [(1,)]
    assert funnel(seen, ["view", "cart"]).counts == [1, 1]  # a's view was on March 1st
    seen.release()
    assert funnel(log, ["view", "cart"]).counts == [3, 2]  # the log itself is untouched


def test_event_conditions_use_the_maps_matcher(log: EventLog) -> None:
    mobile = Filter(where=parse_where(["platform=mobile"])).apply(log)
    assert customers(mobile) == ["a", "c"] and mobile.count() == 5
    big = Filter(where=parse_where(["amount>=30", "channel=app"])).apply(log)
    assert big.rows("SELECT customer_id, event FROM {events} ORDER BY 1") == [
        ("a", "pay"),
        ("c", "pay"),
    ]
    views = Filter(where=parse_where(["event=v*"])).apply(log)
    assert paths(views).activities == {"view": 3}


def test_a_segment_on_an_event_property_keeps_whole_customers(log: EventLog) -> None:
    desktop = Filter(segment=parse_segment(["event.platform=desktop"])).apply(log)
    assert customers(desktop) == ["b"] and desktop.count() == 2
    assert desktop.rows("SELECT count(*) FROM {feedback}") == [(0,)]


def test_a_segment_on_attributes_needs_a_customers_table(log: EventLog) -> None:
    with pytest.raises(EngineError, match=r"no customers table.*event\.persona=lea"):
        Filter(segment={"persona": "lea"}).apply(log)
    log.connection.execute("CREATE TABLE customers (customer_id VARCHAR, attributes JSON)")
    log.connection.execute("""INSERT INTO customers VALUES ('a', '{"persona": "lea"}')""")
    with_customers = EventLog(
        log.connection, "events", tables={**log.tables, "customers": "customers"}
    )
    lea = Filter(segment={"persona": "lea"}).apply(with_customers)
    assert customers(lea) == ["a"]
    nobody = Filter(segment={"personna": "lea"})  # a misspelled attribute keeps nobody: an error
    with pytest.raises(EngineError, match=r"no customer has the attribute 'personna'.*: persona"):
        nobody.apply(with_customers)


def test_a_first_event_cohort_follows_customers_over_their_whole_journey(log: EventLog) -> None:
    cohort = Filter(first_since=dt.datetime(2026, 3, 1), first_until=dt.datetime(2026, 3, 2))
    seen = cohort.apply(log)
    assert customers(seen) == ["a"] and seen.count() == 3  # a's pay on March 9th included


def test_release_drops_every_view_the_filter_made(log: EventLog) -> None:
    objects = "SELECT count(*) FROM duckdb_views() WHERE NOT internal"
    before = log.rows(objects)
    seen = Filter(since=dt.datetime(2026, 3, 2), segment={"event.platform": "mobile"}).apply(log)
    assert log.rows(objects) != before
    seen.release()
    assert log.rows(objects) == before


def test_conditions_are_parsed_into_the_matcher_never_into_sql() -> None:
    matcher = parse_where(["page~/cart*", "amount<5", "plan!=free", "channel=web", "event=pay"])
    assert matcher is not None
    assert (matcher.events, matcher.channels) == (("pay",), ("web",))
    assert [(c.property, c.op, c.value) for c in matcher.where] == [
        ("page", MatchOp.GLOB, "/cart*"),
        ("amount", MatchOp.LT, 5.0),
        ("plan", MatchOp.NE, "free"),
    ]
    assert parse_where([]) is None
    for bad in ["platform", "=mobile", "platform=", "event>3"]:
        with pytest.raises(EngineError, match=repr(bad).replace("(", r"\(")):
            parse_where([bad])
    with pytest.raises(EngineError, match="ATTRIBUTE=VALUE"):
        parse_segment(["persona"])
    with pytest.raises(EngineError, match="YYYY-MM-DD"):
        parse_time("last tuesday")


@settings(max_examples=50, deadline=None)
@given(value=st.text(min_size=1, max_size=12).filter(lambda v: v.strip() == v))
def test_any_condition_value_is_a_literal(value: str) -> None:
    """Quotes, semicolons and SQL in a value match nothing and run nothing."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE events AS SELECT 'a' AS customer_id, TIMESTAMP '2026-01-01' AS timestamp, "
        "'view' AS event, NULL::VARCHAR AS channel, 1::BIGINT AS event_seq, "
        """'{"k": "x"}'::JSON AS properties"""
    )
    log = EventLog(con, "events")
    seen = Filter(where=parse_where([f"k={value}"]), segment={"event.k": value}).apply(log)
    assert seen.count() == (1 if value == "x" else 0)
    assert log.count() == 1


def test_a_filtered_workspace_log_builds_its_columns_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "events.csv").write_text(
        "customer_id,timestamp,event,platform\n"
        + "".join(
            f"{c},2026-03-0{d},{e},{p}\n"
            for c, d, e, p in [
                ("a", 1, "view", "mobile"),
                ("a", 2, "pay", "mobile"),
                ("b", 2, "view", "desktop"),
                ("b", 3, "pay", "desktop"),
                ("c", 4, "view", "mobile"),
            ]
        )
    )
    ws = create_workspace(tmp_path, sources={"events": {"path": "events.csv"}})
    ws.ingest()
    mobile = Filter(since=dt.datetime(2026, 3, 1), where=parse_where(["platform=mobile"]))
    with workspace_tables(ws) as log:
        first, again = mobile.apply(log), mobile.apply(log)
        assert funnel(first, ["view", "pay"]).counts == [2, 1]
        assert again.hot_columns() is first.hot_columns()  # warm: the same filter, same data
        assert funnel(again, ["view", "pay"]).counts == [2, 1]
        other = Filter(where=parse_where(["platform=desktop"])).apply(log)
        assert funnel(other, ["view", "pay"]).counts == [1, 1]
