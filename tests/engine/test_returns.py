"""The compiled walks of DuckDB over a bound journey count what the SQL they replaced counts
(Spark's): loops and rework (``returns`` against ``returns_sql``) and each stage's customers by
earlier event (``earlier_events`` against ``earlier_events_sql``), on a hand-made log with
loops, events bound to a stage only, no channel, ties in time and rows stored out of order."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import duckdb
import pytest

from parcours.engine import EventLog
from parcours.engine.backend import Backend
from parcours.engine.binding import bound
from parcours.engine.outcomes import earlier_events_sql
from parcours.engine.returns import Returns, returns, returns_sql

from .conftest import BOUTIQUE

#: (customer, time, event, channel); event_seq is the position in this list
EVENTS = [
    ("c1", "2026-03-01 10:00", "page_view", "web"),  # a Sunday: week of February 23rd
    ("c1", "2026-03-01 10:05", "newsletter", "email"),  # bound to nothing: skipped
    ("c1", "2026-03-01 10:10", "payment_started", "web"),
    ("c1", "2026-03-02 09:00", "page_view", "app"),  # back to the site and the stage
    ("c1", "2026-03-02 09:30", "faq_view", None),  # the stage, no touchpoint
    ("c1", "2026-03-02 09:40", "page_view", "web"),  # the site again, the stage still
    ("c1", "2026-03-02 10:00", "payment_started", "web"),  # back to payment
    ("c2", "2026-03-31 23:00", "faq_view", None),  # first at the stage without a channel
    ("c2", "2026-04-01 08:00", "page_view", "app"),  # first at the site, in April
    ("c3", "2026-03-03 12:00", "page_view", "web"),  # three events at the same time,
    ("c3", "2026-03-03 12:00", "payment_started", "web"),  # in event_seq order
    ("c3", "2026-03-03 12:00", "page_view", "web"),
    ("c4", "2026-03-05 09:00", "faq_view", None),
    ("c4", "2026-03-05 10:00", "payment_started", "web"),
    ("c4", "2026-03-06 10:00", "page_view", "app"),  # the stage's first channel: app
    ("c5", "2026-03-10 09:00", "newsletter", "email"),  # before the stage: moves on
    ("c5", "2026-03-10 10:00", "page_view", "web"),
    ("c5", "2026-03-11 10:00", "payment_started", "web"),
    ("c6", "2026-03-12 09:00", "newsletter", "email"),  # before the stage: stays
    ("c6", "2026-03-12 10:00", "page_view", "web"),
]
FEB_23, MARCH_2, MARCH_9 = date(2026, 2, 23), date(2026, 3, 2), date(2026, 3, 9)
MARCH_30 = date(2026, 3, 30)


@pytest.fixture(scope="module")
def log() -> Iterator[Backend]:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE events (customer_id VARCHAR, timestamp TIMESTAMP, event VARCHAR,"
        " channel VARCHAR, event_seq BIGINT, properties JSON)"
    )
    for seq, row in reversed(list(enumerate(EVENTS))):  # stored out of event_seq order
        con.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, NULL)", [*row, seq])
    with bound(EventLog(con, "events"), BOUTIQUE) as (tied, _):
        yield tied


def test_returns_per_week_by_hand(log: Backend) -> None:
    assert sorted(returns(log, "week"), key=repr) == sorted(
        [
            Returns("stage", "visite", FEB_23, "web", 1, 1, 2),  # c1
            Returns("stage", "visite", MARCH_2, "web", 1, 1, 2),  # c3
            Returns("stage", "visite", MARCH_2, "app", 1, 1, 2),  # c4: NULL, then app
            Returns("stage", "visite", MARCH_9, "web", 2, 0, 2),  # c5, c6
            Returns("stage", "visite", MARCH_30, None, 1, 0, 1),  # c2
            Returns("stage", "paiement", FEB_23, "web", 1, 1, 2),  # c1
            Returns("stage", "paiement", MARCH_2, "web", 2, 0, 2),  # c3, c4
            Returns("stage", "paiement", MARCH_9, "web", 1, 0, 1),  # c5
            Returns("touchpoint", "site", FEB_23, "web", 1, 1, 3),  # c1: after the FAQ too
            Returns("touchpoint", "site", MARCH_2, "web", 1, 1, 2),  # c3
            Returns("touchpoint", "site", MARCH_2, "app", 1, 0, 1),  # c4
            Returns("touchpoint", "site", MARCH_9, "web", 2, 0, 2),  # c5, c6
            Returns("touchpoint", "site", MARCH_30, "app", 1, 0, 1),  # c2
            Returns("touchpoint", "paiement", FEB_23, "web", 1, 1, 2),  # c1
            Returns("touchpoint", "paiement", MARCH_2, "web", 2, 0, 2),  # c3, c4
            Returns("touchpoint", "paiement", MARCH_9, "web", 1, 0, 1),  # c5
        ],
        key=repr,
    )


@pytest.mark.parametrize("every", [None, "day", "week", "month"])
def test_compiled_pass_equals_the_sql_window(log: Backend, every: str | None) -> None:
    compiled = sorted(returns(log, every), key=repr)  # type: ignore[arg-type]
    assert compiled == sorted(returns_sql(log, every), key=repr)  # type: ignore[arg-type]
    assert (
        sum(r.customers for r in compiled if r.level == "stage") == 6 + 4
    )  # c1-c6, then c1 c3 c4 c5


def test_earlier_events_by_hand_and_as_the_sql(log: Backend) -> None:
    """Only c5 and c6 had an event (the newsletter) strictly before their first event at the
    first stage; c5 reached payment afterwards. Ties in time are not earlier (c3)."""
    assert log.earlier_events(["visite", "paiement"]) == [("visite", "newsletter", 2, 1)]
    assert earlier_events_sql(log, ["visite", "paiement"]) == [("visite", "newsletter", 2, 1)]
    backwards = ["paiement", "visite"]  # any order of the stages, the same counts
    assert sorted(log.earlier_events(backwards)) == sorted(earlier_events_sql(log, backwards))
