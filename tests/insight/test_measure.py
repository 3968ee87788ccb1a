"""Measuring a map: stage funnel, per-stage and per-touchpoint figures, KPIs against targets."""

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from parcours.cli import main
from parcours.data.workspace import create_workspace
from parcours.engine import EventLog
from parcours.engine.filter import Filter
from parcours.errors import EngineError
from parcours.insight import measure, measure_series, measure_trend
from parcours.model import parse_journey

MAP = """
name: Boutique
typology: simple
conversion: {events: [order_done]}
stages:
  - name: Visite
    touchpoints:
      - {id: site, name: Site, channel: website, match: {events: [page_view]}}
  - name: Paiement
    kpis: [{id: abandon, kind: abandonment, target: 30, unit: "%"}]
    touchpoints:
      - id: page-paiement
        name: Page de paiement
        channel: website
        match: {events: [payment_started]}
        kpis:
          - {id: csat-paiement, kind: csat, target: 80, unit: "%"}
          - {id: attente, kind: waiting_time, target: 3, unit: min}
  - name: Confirmation
    kpis: [{kind: nps, target: 20}, {kind: return_rate, target: 10, unit: "%"}]
    touchpoints:
      - {id: mail, name: E-mail, channel: email, match: {events: [order_done]}}
"""
EVENTS = [
    ("c1", "2026-03-01 10:00", "page_view", None),
    ("c1", "2026-03-01 10:10", "payment_started", '{"waiting_seconds": 120}'),
    ("c1", "2026-03-01 10:20", "order_done", None),
    ("c2", "2026-03-02 10:00", "page_view", None),
    ("c2", "2026-03-02 11:00", "payment_started", '{"waiting_seconds": 240}'),
    ("c3", "2026-03-03 10:00", "page_view", None),
    ("c3", "2026-03-03 10:00", "newsletter_open", None),
    ("c4", "2026-03-04 10:00", "page_view", None),
    ("c4", "2026-03-04 10:30", "payment_started", '{"waiting_seconds": 180}'),
    ("c4", "2026-03-05 10:00", "order_done", None),
]
FEEDBACK = [
    ("c1", "2026-03-01 10:11", "csat", 5.0, "page-paiement"),
    ("c2", "2026-03-02 11:01", "csat", 2.0, "page-paiement"),
    ("c1", "2026-03-10 10:00", "nps", 10.0, None),
    ("c4", "2026-03-10 10:00", "nps", 9.0, None),
    ("c3", "2026-03-10 10:00", "nps", 3.0, None),
]
ORDERS = [("o1", "c1", "2026-03-01 10:30", True), ("o2", "c4", "2026-03-05 10:30", False)]


def tables(connection: duckdb.DuckDBPyConnection) -> EventLog:
    """The connection's events, feedback, orders and (when present) customers, as one log."""
    present = {row[0] for row in connection.execute("SHOW TABLES").fetchall()}
    roles = {r: r for r in ("customers", "feedback", "orders") if r in present}
    return EventLog(connection, "events", tables=roles)


def copy_to_workspace(connection: duckdb.DuckDBPyConnection, root: Path) -> None:
    """A workspace at ``root`` with the boutique map and the connection's tables."""
    workspace = create_workspace(root)
    (root / "journeys" / "boutique.yaml").write_text(MAP, encoding="utf-8")
    with workspace.connect() as con:
        for table in ("events", "feedback", "orders"):
            frame = connection.execute(f"SELECT * FROM {table}").df()  # noqa: F841
            con.execute(f"CREATE TABLE {table} AS SELECT * FROM frame")


@pytest.fixture
def connection() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE events (customer_id VARCHAR, timestamp TIMESTAMP, event VARCHAR,"
        " channel VARCHAR, event_seq BIGINT, properties JSON)"
    )
    for seq, (customer, ts, event, props) in enumerate(EVENTS):
        con.execute(
            "INSERT INTO events VALUES (?, ?, ?, 'web', ?, ?)", [customer, ts, event, seq, props]
        )
    con.execute(
        "CREATE TABLE feedback (customer_id VARCHAR, timestamp TIMESTAMP, survey_type VARCHAR,"
        " rating DOUBLE, touchpoint VARCHAR)"
    )
    con.executemany("INSERT INTO feedback VALUES (?, ?, ?, ?, ?)", FEEDBACK)
    con.execute(
        "CREATE TABLE orders (order_id VARCHAR, customer_id VARCHAR, timestamp TIMESTAMP,"
        " returned BOOLEAN)"
    )
    con.executemany("INSERT INTO orders VALUES (?, ?, ?, ?)", ORDERS)
    return con


def test_stage_funnel_and_stage_figures(connection: duckdb.DuckDBPyConnection) -> None:
    result = measure(tables(connection), parse_journey(MAP))
    assert result.stage_funnel.counts == [4, 3, 2]
    visite, paiement, confirmation = (
        result.measures.stage(s) for s in ("visite", "paiement", "confirmation")
    )
    assert (visite.customers, visite.conversion, visite.drop_off) == (4, 0.75, 0.25)
    assert paiement.conversion == pytest.approx(2 / 3)
    assert confirmation.conversion is None
    assert result.measures.touchpoint("page-paiement").volume == 3
    # both touchpoints lie on every converting path: equal Markov removal effects
    shares = {t: result.measures.touchpoint(t).attribution_share for t in ("site", "page-paiement")}
    assert shares == {"site": pytest.approx(0.5), "page-paiement": pytest.approx(0.5)}
    assert result.measures.touchpoint("mail").attribution_share is None
    assert result.coverage.unmatched == {"newsletter_open": 1}
    assert result.measures.period == "2026-03-01 → 2026-03-05"
    # measured emotion from the touchpoint's answers: csat 5 → +2, csat 2 → -1
    assert result.measures.touchpoint("page-paiement").emotion == pytest.approx(0.5)
    assert result.measures.touchpoint("page-paiement").negative_share == pytest.approx(0.5)


def test_measuring_again_and_again_leaves_nothing_behind(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    """A trend measures one cohort after another on one connection: the bound events and the
    relabelled conversions of each measure are dropped when it is done."""
    objects = "SELECT count(*) FROM duckdb_tables() UNION ALL SELECT count(*) FROM duckdb_views()"
    before = connection.execute(objects).fetchall()
    for _ in range(3):
        measure(tables(connection), parse_journey(MAP))
    assert connection.execute(objects).fetchall() == before


def test_kpis_are_measured_in_their_unit_and_compared_with_their_target(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    kpis = {k.kpi.id: k for k in measure(tables(connection), parse_journey(MAP)).kpis}
    assert kpis["abandon"].shown == pytest.approx(100 / 3) and kpis["abandon"].met is False
    assert kpis["csat-paiement"].shown == pytest.approx(50.0) and kpis["csat-paiement"].met is False
    assert kpis["attente"].shown == pytest.approx(3.0) and kpis["attente"].met is True
    assert kpis["nps"].shown == pytest.approx(100 * (2 / 3 - 1 / 3)) and kpis["nps"].met is True
    assert kpis["return-rate"].shown == pytest.approx(50.0) and kpis["return-rate"].met is False
    assert kpis["nps"].value.low is not None and kpis["nps"].value.low < kpis["nps"].shown
    # the CSAT answers follow the payment page ("à chaud"); the NPS is on the whole journey
    assert (kpis["csat-paiement"].basis, kpis["nps"].basis) == ("transactional", "relational")
    assert kpis["abandon"].basis is None


def test_measure_command_writes_the_measured_map(tmp_path, connection) -> None:  # type: ignore[no-untyped-def]
    copy_to_workspace(connection, tmp_path)
    result = CliRunner().invoke(main, ["measure", str(tmp_path)])
    assert result.exit_code == 0, result.output
    # human units in the journey's language (French here), or in the one asked
    assert "stages.paiement abandon: 33,3\u00a0% (cible 30\u00a0%) MANQUÉ" in result.output
    result = CliRunner().invoke(main, ["measure", str(tmp_path), "--lang", "en"])
    assert "stages.paiement abandon: 33.3% (target 30%) MISSED" in result.output, result.output
    html = (tmp_path / "views" / "boutique" / "measured-grid.html").read_text(encoding="utf-8")
    assert 'class="miss"' in html or "miss" in html


def test_cohorts_by_first_event_and_by_segment(connection: duckdb.DuckDBPyConnection) -> None:
    journey = parse_journey(MAP)
    late = measure(tables(connection), journey, where=Filter(first_since=dt.datetime(2026, 3, 3)))
    assert late.stage_funnel.counts == [2, 1, 1]  # c3 and c4
    connection.execute("CREATE TABLE customers (customer_id VARCHAR, attributes JSON)")
    connection.executemany(
        "INSERT INTO customers VALUES (?, ?)",
        [("c1", '{"persona": "a"}'), ("c2", '{"persona": "a"}'), ("c3", '{"persona": "b"}')],
    )
    persona_a = measure(tables(connection), journey, where=Filter(segment={"persona": "a"}))
    assert persona_a.stage_funnel.counts == [2, 2, 1]
    kpis = {k.kpi.id: k for k in persona_a.kpis}
    assert kpis["return-rate"].shown == pytest.approx(100.0)  # only c1 ordered, and returned
    with pytest.raises(EngineError, match="no event is left by the filter"):
        measure(tables(connection), journey, where=Filter(segment={"persona": "z"}))


def test_trend_measures_each_cohort(connection: duckdb.DuckDBPyConnection) -> None:
    trend = measure_trend(tables(connection), parse_journey(MAP), every="week")
    assert trend.periods == ("2026-W09", "2026-W10")  # Sunday 1 March, then the week of 2 March
    frame = trend.to_frame()
    abandon = frame[frame.kpi == "abandon"].set_index("period")["value"]
    assert abandon["2026-W09"] == 0.0  # c1 paid and went on
    assert abandon["2026-W10"] == pytest.approx(50.0)  # c2 stopped, c4 went on (c3 never paid)


def test_calendar_series_count_each_event_in_its_own_period(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    timeline = measure_series(tables(connection), parse_journey(MAP), every="week")
    by = {(s.where, s.measure): s for s in timeline.series}
    weeks = [dt.date(2026, 2, 23), dt.date(2026, 3, 2), dt.date(2026, 3, 9)]  # ISO: from Monday
    assert {tuple(p.start for p in s.points) for s in timeline.series} == {tuple(weeks)}
    visits = by["stages.visite", "customers"]
    assert [p.value.n for p in visits.points] == [1, 3, 0]  # Sunday 1 March: the week before
    assert [p.value.value for p in visits.points] == [1.0, 3.0, 0.0]
    conversion = by["stages.visite", "conversion"]
    assert [p.value.value for p in conversion.points] == [1.0, pytest.approx(2 / 3), None]
    abandon = by["stages.paiement", "abandon"]
    assert [p.value.value for p in abandon.points] == [0.0, 0.5, None]  # c2 stopped, c4 went on
    nps = by["stages.confirmation", "nps"]  # the answers of March 10th
    assert [p.value.n for p in nps.points] == [0, 0, 3]
    assert nps.points[2].value.value == pytest.approx(100 * (2 / 3 - 1 / 3))
    frame = timeline.to_frame()
    assert len(frame) == 3 * len(timeline.series)


def test_measure_every_week_and_filters_on_the_command_line(tmp_path, connection) -> None:  # type: ignore[no-untyped-def]
    copy_to_workspace(connection, tmp_path)
    runner = CliRunner()
    result = runner.invoke(main, ["measure", str(tmp_path), "--every", "week", "--format", "json"])
    assert result.exit_code == 0, result.output
    series = json.loads(result.output)["boutique"]["series"]
    visits = next(s for s in series if (s["where"], s["measure"]) == ("stages.visite", "customers"))
    assert [p["n"] for p in visits["points"]] == [1, 3, 0]
    result = runner.invoke(
        main,
        [
            "measure",
            str(tmp_path),
            "--since",
            "2026-03-02",
            "--where",
            "waiting_seconds>=200",
            "--format",
            "json",
            "--voice",
            "none",
        ],
    )
    assert result.exit_code == 0, result.output
    measured = json.loads(result.output)["boutique"]
    assert measured["coverage"]["events"] == 1  # c2's payment, the only wait of 200 s or more
    result = runner.invoke(main, ["measure", str(tmp_path), "--where", "waiting_seconds"])
    assert result.exit_code == 1 and "KEY OP VALUE" in result.output
