"""Retention cohorts and lifecycle per period on small logs worked out by hand."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from parcours.cli import main
from parcours.cli.analyses import retention_command
from parcours.engine.retention import lifecycle, retention
from parcours.errors import EngineError

from .conftest import log_from_cases

D = 86400
MONDAY = datetime(2024, 1, 1)  # a Monday: days and ISO weeks start here


def at(day: float) -> str:
    return (MONDAY + timedelta(days=day)).isoformat()


@pytest.fixture
def daily():
    """Days 0-3 from Monday 2024-01-01; a: days 0, 1, 3; b: 0, 2; c: 1, 2; d: 3.

    First-time cohorts (first event ever): day 0 {a, b}, day 1 {c}, day 2 {} and day 3 {d}.
    Day 0 cohort: day 1 a, day 2 b, day 3 a → 1, 1, 1 of 2. Day 1 cohort: day 2 c, day 3
    nobody → 1, 0 of 1. Average per offset: 4/4, 2/3, 1/3, 1/2.

    Lifecycle: day 0 a, b new. Day 1 a returning, c new, b dormant (churn 1/2). Day 2 b
    resurrecting, c returning, a dormant (churn 1/2). Day 3 a resurrecting, d new, b and c
    dormant (churn 2/2).
    """
    return log_from_cases(
        {
            "a": [[at(0), "visit"], [at(1.5), "visit"], [at(3), "visit"]],
            "b": [[at(0.9), "visit"], [at(2), "visit"]],
            "c": [[at(1), "visit"], [at(2), "visit"]],
            "d": [[at(3.99), "visit"]],
        }
    )


def test_first_time_daily_matrix_by_hand(daily) -> None:
    result = retention(daily, period="day")
    assert result.cohorts == {date(2024, 1, d): n for d, n in [(1, 2), (2, 1), (3, 0), (4, 1)]}
    matrix = result.matrix("retained")
    assert matrix.loc[date(2024, 1, 1)].tolist() == [2, 2, 1, 1, 1]  # size, then offsets 0-3
    assert matrix.loc[date(2024, 1, 2)].tolist()[:3] == [1, 1, 1]
    assert matrix.loc[date(2024, 1, 2), 2] == 0
    rates = result.matrix()
    assert rates.loc[date(2024, 1, 1), 1] == 0.5 and rates.loc[date(2024, 1, 2), 1] == 1.0
    assert rates.loc[date(2024, 1, 3)].isna().tolist() == [False, True, True, True, True]
    assert result.average() == {0: 1.0, 1: 2 / 3, 2: 1 / 3, 3: 0.5}
    # tidy: 4 + 3 + 2 + 1 observed cells, none after the log's last day
    frame = result.to_frame()
    assert len(frame) == 10 and (frame["cohort_size"] >= frame["retained"]).all()


def test_lifecycle_daily_by_hand(daily) -> None:
    result = lifecycle(daily, period="day")
    rows = [(p.new, p.returning, p.resurrecting, p.dormant, p.churn_rate) for p in result.periods]
    assert rows == [
        (2, 0, 0, 0, None),
        (1, 1, 0, 1, 0.5),
        (0, 1, 1, 1, 0.5),
        (1, 0, 1, 2, 1.0),
    ]
    frame = result.to_frame()
    assert frame["active"].tolist() == [2, 2, 2, 2]
    assert result.to_dict()["periods"][0]["period"] == "2024-01-01"


@pytest.fixture
def weekly():
    """ISO weeks W0 (from 2024-01-01), W1, W2. a buys in W0, W1 and W2; b buys in W1 and visits
    in W2; c visits in W0 (Sunday 7th) and buys in W2 (Monday 15th).

    First-time on buy: cohorts W0 {a}, W1 {b}, W2 {c} (c's first *buy* is in W2 even though
    its first event is in W0). W0: a buys in W1 and W2 → 1, 1. W1: b does not buy in W2 → 0.
    Recurring on buy: cohorts W0 {a}, W1 {a, b}, W2 {a, c}; W1 at offset 1: a buys in W2,
    b does not → 1 of 2.
    First-time buy → return visit: W0 (a) never visits → 0, 0; W1 (b) visits in W2 → 1.
    Lifecycle of buy: W0 a new (c is not active: it only visits); W1 a returning, b new;
    W2 a returning, c resurrecting (born in W0, when it only visited), b dormant: churn 1/2.
    """
    return log_from_cases(
        {
            "a": [[at(0), "buy"], [at(8), "buy"], [at(16), "buy"]],
            "b": [[at(9), "buy"], [at(17), "visit"]],
            "c": [[at(6.9), "visit"], [at(14), "buy"]],
        }
    )


def test_first_time_on_a_start_event(weekly) -> None:
    result = retention(weekly, period="week", start_event="buy", return_event="buy")
    weeks = [date(2024, 1, 1), date(2024, 1, 8), date(2024, 1, 15)]
    assert result.cohorts == dict.fromkeys(weeks, 1)
    assert result.matrix("retained").loc[weeks[0]].tolist() == [1, 1, 1, 1]
    assert result.matrix("retained").loc[weeks[1], 1] == 0
    visit = retention(weekly, period="week", start_event="buy", return_event="visit")
    assert visit.matrix("retained").loc[weeks[0]].tolist() == [1, 1, 0, 0]
    assert visit.matrix("retained").loc[weeks[1], 1] == 1


def test_recurring_cohorts(weekly) -> None:
    result = retention(
        weekly, period="week", kind="recurring", start_event="buy", return_event="buy"
    )
    assert list(result.cohorts.values()) == [1, 2, 2]
    assert result.matrix().loc[date(2024, 1, 8), 1] == 0.5
    assert result.matrix().loc[date(2024, 1, 1)].tolist() == [1, 1.0, 1.0, 1.0]
    data = result.to_dict()
    assert data["kind"] == "recurring" and data["cohorts"][1]["retained"] == [2, 1]


def test_lifecycle_of_one_event(weekly) -> None:
    result = lifecycle(weekly, period="week", event="buy")
    rows = [(p.new, p.returning, p.resurrecting, p.dormant, p.churn_rate) for p in result.periods]
    assert rows == [(1, 0, 0, 0, None), (1, 1, 0, 0, 0.0), (0, 1, 1, 1, 0.5)]


def test_months_and_offset_cap() -> None:
    """a: Jan 31, Feb 1, Apr 15; b: Mar 1. Jan cohort {a}: Feb yes, Mar no, Apr yes.
    Feb cohort empty; Mar cohort {b}: Apr no. With offsets=2 only offsets 0 and 1 remain."""
    log = log_from_cases(
        {
            "a": [["2024-01-31T23:59:00", "x"], ["2024-02-01T00:00:00", "x"], ["2024-04-15", "x"]],
            "b": [["2024-03-01", "x"]],
        }
    )
    result = retention(log, period="month")
    assert result.matrix("retained").loc[date(2024, 1, 1)].tolist() == [1, 1, 1, 0, 1]
    assert result.matrix("retained").loc[date(2024, 3, 1)].tolist()[:3] == [1, 1, 0]
    capped = retention(log, period="month", offsets=2)
    assert sorted(set(capped.to_frame()["offset"])) == [0, 1]
    assert "<table" in capped._repr_html_() and "<table" in lifecycle(log)._repr_html_()


def test_bad_arguments_say_what_to_do(daily) -> None:
    with pytest.raises(EngineError, match=r"no event named 'vist'.*visit"):
        retention(daily, start_event="vist")
    with pytest.raises(EngineError, match="unknown period"):
        retention(daily, period="year")  # type: ignore[arg-type]
    with pytest.raises(EngineError, match="unknown retention kind"):
        retention(daily, kind="rolling")  # type: ignore[arg-type]
    with pytest.raises(EngineError, match="offsets"):
        retention(daily, offsets=0)


def test_cli_retention_on_a_csv_file(tmp_path) -> None:
    """The weekly log as a CSV: the recurring matrix and the lifecycle of buy, as above."""
    rows = [("a", 0, "buy"), ("a", 8, "buy"), ("a", 16, "buy"), ("b", 9, "buy")]
    rows += [("b", 17, "visit"), ("c", 6.9, "visit"), ("c", 14, "buy")]
    file = tmp_path / "events.csv"
    file.write_text("user,timestamp,event\n" + "".join(f"{c},{at(t)},{e}\n" for c, t, e in rows))
    args = [str(file), "--customer-col", "user", "--period", "week", "--start-event", "buy"]
    args += ["--return-event", "buy", "--kind", "recurring"]
    out = CliRunner().invoke(retention_command, [*args, "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert [c["size"] for c in data["retention"]["cohorts"]] == [1, 2, 2]
    assert data["retention"]["cohorts"][1]["rates"] == [1.0, 0.5]
    assert [p["dormant"] for p in data["lifecycle"]["periods"]] == [0, 0, 1]
    table = CliRunner().invoke(retention_command, args)
    assert table.exit_code == 0 and " 50%" in table.output and "resurrecting" in table.output
    typo = CliRunner().invoke(main, ["retention", *args[:3], "--start-event", "bye"])
    assert typo.exit_code == 1 and "no event named 'bye'" in typo.output


# --- properties on random logs ------------------------------------------------------------------

EVENTS = ["buy", "visit", "call"]
logs = st.dictionaries(
    st.sampled_from([f"c{i}" for i in range(8)]),
    st.lists(
        st.tuples(st.integers(0, 70 * 4).map(lambda q: q / 4), st.sampled_from(EVENTS)),
        min_size=1,
        max_size=6,
    ),
    min_size=1,
)


def period_of(day: float, unit: str) -> date:
    d = (MONDAY + timedelta(days=day)).date()
    if unit == "week":
        return d - timedelta(days=d.weekday())
    return d.replace(day=1) if unit == "month" else d


@settings(max_examples=20, deadline=None)
@given(logs, st.sampled_from(["day", "week", "month"]), st.sampled_from(EVENTS))
def test_cohorts_and_lifecycle_invariants(cases, unit, start) -> None:
    log = log_from_cases({c: [[at(t), e] for t, e in sorted(evs)] for c, evs in cases.items()})
    seen = {e for evs in cases.values() for _, e in evs}
    if start not in seen:
        return
    result = retention(log, period=unit, start_event=start)
    firsts = Counter(
        min(period_of(t, unit) for t, e in evs if e == start)
        for evs in cases.values()
        if any(e == start for _, e in evs)
    )
    assert {c: n for c, n in result.cohorts.items() if n} == dict(firsts)
    assert all(c.rate == 1.0 for c in result.cells if c.offset == 0 and c.cohort_size)
    assert all(0 <= c.retained <= c.cohort_size for c in result.cells)

    periods = lifecycle(log, period=unit).periods
    active = Counter(p for evs in cases.values() for p in {period_of(t, unit) for t, _ in evs})
    assert {p.period: p.active for p in periods if p.active} == dict(active)
    assert sum(p.new for p in periods) == len(cases)
    for before, now in itertools.pairwise(periods):
        assert now.returning + now.dormant == before.active
