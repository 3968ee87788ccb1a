"""Churn is counted per period, as its name says ("monthly churn": of the customers active at the
place in a month, the share not active there the next month), and a retention's horizon is its
period ("3-month retention": still active a quarter after their first event there)."""

from __future__ import annotations

import duckdb
import pytest

from parcours.engine import EventLog
from parcours.insight import measure
from parcours.model import parse_journey

MAP = """
name: Club
stages:
  - name: Usage
    kpis:
      - {id: churn-mensuel, kind: churn, target: 6, unit: "%", period: month}
      - {id: churn-hebdo, kind: churn, period: week}
      - {id: retention-trimestre, kind: retention, unit: "%", period: quarter}
      - {id: retention-30j, kind: retention, unit: "%"}
    touchpoints:
      - {id: app, name: App, channel: mobile_app, match: {events: [session]}}
"""
#: Sessions by customer and month (2026), on the 10th: a stays January to April, b leaves after
#: January, c comes in February and March, d only in April (the last month: its next month is
#: not covered whole), e in January and (on the 20th) February.
MONTHS = {"a": [1, 2, 3, 4], "b": [1], "c": [2, 3], "d": [4], "e": [1]}


@pytest.fixture
def log() -> EventLog:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE events (customer_id VARCHAR, timestamp TIMESTAMP, event VARCHAR,"
        " channel VARCHAR, event_seq BIGINT, properties JSON)"
    )
    rows = [
        (customer, f"2026-{month:02d}-10 12:00", "session")
        for customer, months in MONTHS.items()
        for month in months
    ]
    rows.append(("e", "2026-02-20 12:00", "session"))
    rows.append(("a", "2026-05-20 12:00", "session"))  # the data runs to 20 May
    for seq, (customer, ts, event) in enumerate(sorted(rows, key=lambda r: r[1])):
        con.execute(
            "INSERT INTO events VALUES (?, ?, ?, 'app', ?, NULL)", [customer, ts, event, seq]
        )
    return EventLog(con, "events")


def test_monthly_churn_is_the_share_of_each_months_active_customers_gone_the_next(
    log: EventLog,
) -> None:
    kpis = {k.kpi.id: k for k in measure(log, parse_journey(MAP)).kpis}
    churn = kpis["churn-mensuel"]
    # months whose next month is covered whole: January to March (April's May ends on the 20th)
    # January: a, b, e active, b gone in February; February: a, c, e, e gone; March: a, c, c gone
    assert churn.value.n == 8
    assert churn.shown == pytest.approx(100 * 3 / 8)
    assert churn.met is False
    # weekly: no customer has sessions two weeks running; the week of 20 May is left out (the
    # data does not cover the week after it)
    weekly = kpis["churn-hebdo"]
    assert weekly.value.n == 10 and weekly.value.value == pytest.approx(1.0)


def test_retention_horizon_is_the_kpis_period(log: EventLog) -> None:
    kpis = {k.kpi.id: k for k in measure(log, parse_journey(MAP)).kpis}
    # still active 3 months after the first session: a only (c: 28 days, e: 41, b and d: none)
    assert kpis["retention-trimestre"].shown == pytest.approx(100 * 1 / 5)
    # without a period, 30 days: a and e
    assert kpis["retention-30j"].shown == pytest.approx(100 * 2 / 5)
