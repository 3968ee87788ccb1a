"""The workspace store: settings layering, idempotent imports, atomic imports, events appended
in arrival order."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from parcours.cli import main
from parcours.data import Workspace, create_workspace
from parcours.errors import DataError, SettingsError
from parcours.settings import Settings

from .conftest import rows

HEADER = "customer_id,timestamp,event,channel\n"


def _events(ws: Workspace, sql: str = "SELECT customer_id, event, event_seq FROM events") -> list:
    with ws.connect(read_only=True) as con:
        return con.execute(sql).fetchall()


def test_settings_precedence(tmp_path: Path) -> None:
    (tmp_path / "parcours.toml").write_text(
        'engine = "spark"\njourneys = "maps"\n'
        '[sources.events]\npath = "a.csv"\ntimezone = "Europe/Paris"\n'
    )
    assert Settings.load(tmp_path, env={}).engine == "spark"
    env = {
        "PARCOURS_ENGINE": "duckdb",
        "PARCOURS_SOURCES__EVENTS__PATH": "b.csv",
        "PARCOURS_TEST_POSTGRES_URL": "ignored",
    }
    settings = Settings.load(tmp_path, env=env)
    assert settings.engine == "duckdb" and settings.journeys_path == tmp_path.resolve() / "maps"
    assert settings.sources["events"] == {"path": "b.csv", "timezone": "Europe/Paris"}
    source = Workspace(settings).sources["events"]
    assert (source.path, source.timezone) == ("b.csv", "Europe/Paris")
    assert Settings.load(tmp_path, env=env, engine="spark").engine == "spark"
    assert Settings.load(tmp_path / "nowhere", env={}).engine == "duckdb"


def test_invalid_settings_name_the_file_and_the_key(tmp_path: Path) -> None:
    (tmp_path / "parcours.toml").write_text('engine = "oracle"\n')
    with pytest.raises(SettingsError, match=r"parcours.toml: invalid settings \(engine"):
        Settings.load(tmp_path, env={})
    (tmp_path / "parcours.toml").write_text('engin = "duckdb"\n')
    with pytest.raises(
        SettingsError,
        match=r"\(engin: unknown key; did you mean 'engine'\? the keys are database, engine, ",
    ):
        Settings.load(tmp_path, env={})
    (tmp_path / "parcours.toml").write_text("engine = \n")
    with pytest.raises(SettingsError, match="not valid TOML"):
        Settings.load(tmp_path, env={})


def test_invalid_source_names_the_file_and_the_key(tmp_path: Path) -> None:
    (tmp_path / "parcours.toml").write_text('[sources.events]\npath = "e.csv"\ncolour = "red"\n')
    with pytest.raises(
        SettingsError,
        match=r"parcours.toml: invalid settings \(sources\.events\.colour: unknown key; .*the "
        r"keys are columns, delimiter, encoding, format, kind, path, query, table, ",
    ):
        Workspace.open(tmp_path)
    (tmp_path / "parcours.toml").write_text('[sources.events]\npath = "e.csv"\nfromat = "csv"\n')
    with pytest.raises(SettingsError, match=r"fromat: unknown key; did you mean 'format'\?"):
        Workspace.open(tmp_path)
    (tmp_path / "parcours.toml").write_text('[sources.events]\ntimezone = "UTC"\n')
    with pytest.raises(SettingsError, match=r"sources\.events: Value error, give exactly one"):
        Workspace.open(tmp_path)


def test_journeys_and_views_folder(tmp_path: Path) -> None:
    ws = create_workspace(tmp_path)
    for name in ("b.yaml", "a.yml", "c.json", "notes.txt"):
        (tmp_path / "journeys" / name).write_text("")
    assert list(ws.journeys()) == ["a", "b", "c"]
    assert ws.journeys(["c", "a"]) == {
        "c": tmp_path.resolve() / "journeys" / "c.json",
        "a": tmp_path.resolve() / "journeys" / "a.yml",
    }
    with pytest.raises(DataError, match=r"journeys: no journey named 'z'; found a, b, c\."):
        ws.journeys(["a", "z"])
    assert ws.views_folder("a") == tmp_path.resolve() / "views" / "a"


def test_create_workspace_round_trips_its_sources(tmp_path: Path) -> None:
    ws = create_workspace(
        tmp_path / "shop",
        sources={
            "events": {
                "path": "data/*.csv",
                "columns": {"customer_id": "user"},
                "timestamp_format": ["%d/%m/%Y", "%Y-%m-%d"],
            }
        },
    )
    assert (tmp_path / "shop" / "journeys").is_dir()
    source = ws.sources["events"]
    assert source.columns == {"customer_id": "user"}
    assert source.timestamp_format == ["%d/%m/%Y", "%Y-%m-%d"]
    with pytest.raises(DataError, match="already here"):
        create_workspace(tmp_path / "shop")


def test_import_twice_adds_nothing_and_seq_continues(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "1.csv").write_text(HEADER + "b,2024-01-02,visit,web\na,2024-01-03,visit,web\n")
    ws = create_workspace(tmp_path, sources={"events": {"path": "data"}})
    first = ws.ingest()
    assert [f.status for f in first.files] == ["imported"] and first.loaded == 2
    again = ws.ingest()
    assert [f.status for f in again.files] == ["already imported"] and again.loaded == 0
    (data / "2.csv").write_text(HEADER + "a,2024-01-01,buy,shop\n")
    third = ws.ingest()
    assert [f.status for f in third.files] == ["already imported", "imported"]
    # appended in arrival order (nothing re-sorted), and seq continues past the first file
    assert _events(ws, "SELECT customer_id, event, event_seq FROM events ORDER BY rowid") == [
        ("b", "visit", 2),
        ("a", "visit", 3),
        ("a", "buy", 6),
    ]
    assert _events(ws, "SELECT count(*) FROM imports") == [(2,)]


def test_failed_import_leaves_no_partial_rows(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "1.csv").write_text(HEADER + "a,2024-01-01,visit,web\nzz,never,visit,web\n")
    (data / "2.csv").write_text("who,when\nx,y\n")  # malformed: required columns missing
    ws = create_workspace(tmp_path, sources={"events": {"path": "data/*.csv"}})
    with pytest.raises(DataError, match=r"2\.csv: required column 'customer_id'"):
        ws.ingest()
    for table in ("events", "quarantine", "imports"):
        assert _events(ws, f"SELECT count(*) FROM {table}") == [(0,)]
    (data / "2.csv").write_text(HEADER + "b,2024-01-01,visit,web\n")
    report = ws.ingest()
    assert (report.loaded, report.quarantined) == (2, 1)


def test_customers_feedback_and_orders(tmp_path: Path) -> None:
    (tmp_path / "customers.csv").write_text("customer_id,segment\na,gold\nb,silver\n")
    (tmp_path / "feedback.jsonl").write_text(
        "\n".join(
            json.dumps(r)
            for r in [
                {
                    "customer_id": "a",
                    "timestamp": "2024-01-01",
                    "survey_type": "NPS",
                    "rating": 9,
                    "touchpoint": "checkout",
                },
                {
                    "customer_id": "a",
                    "timestamp": "2024-01-02",
                    "survey_type": "review",
                    "text": "Top",
                },
                {"customer_id": "b", "timestamp": "2024-01-02", "survey_type": "csat", "rating": 7},
                {"customer_id": "b", "timestamp": "2024-01-02", "survey_type": "poll", "rating": 3},
                {"customer_id": "b", "timestamp": "2024-01-03", "survey_type": "ces"},
            ]
        )
        + "\n"
    )
    (tmp_path / "orders.csv").write_text(
        "order_id;customer;timestamp;amount;returned;complaint;waiting_time\n"
        "o1;a;2024-01-01;19.90;no;0;30\no2;b;2024-01-02;abc;yes;1;\no3;b;2024-01-02;5;maybe;0;\n"
    )
    ws = create_workspace(
        tmp_path,
        sources={
            "customers": {"path": "customers.csv"},
            "feedback": {"path": "feedback.jsonl"},
            "shop_orders": {
                "kind": "orders",
                "path": "orders.csv",
                "columns": {"customer_id": "customer"},
            },
        },
    )
    report = ws.ingest()
    assert report.reconciled and (report.read, report.loaded) == (10, 5)
    assert _events(ws, "SELECT customer_id, attributes->>'segment' FROM customers") == [
        ("a", "gold"),
        ("b", "silver"),
    ]
    assert _events(ws, "SELECT survey_type, rating, text, touchpoint FROM feedback") == [
        ("nps", 9.0, None, "checkout"),
        ("review", None, "Top", None),
    ]
    assert _events(
        ws, "SELECT order_id, amount, returned, complaint, waiting_time FROM orders"
    ) == [("o1", 19.9, False, False, 30.0)]
    reasons = _events(ws, 'SELECT kind, line, "column", reason FROM quarantine ORDER BY kind, line')
    assert reasons == [
        ("feedback", 3, "rating", "rating out of the csat scale 1-5"),
        (
            "feedback",
            4,
            "survey_type",
            "unknown survey type (expected one of nps, csat, ces, review)",
        ),
        ("feedback", 5, "rating", "feedback has neither a rating nor a text"),
        (
            "orders",
            3,
            "amount",
            "unparseable number (expected digits with '.' as decimal separator)",
        ),
        ("orders", 4, "returned", "unparseable boolean (expected true/false, yes/no, 1/0)"),
    ]


def test_unknown_source_name_is_an_error(tmp_path: Path) -> None:
    ws = create_workspace(tmp_path, sources={"events": {"path": "e.csv"}})
    with pytest.raises(DataError, match="no source named 'clicks'; declared: events"):
        ws.ingest(["clicks"])


def test_cli_ingest_prints_the_report(tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_text(HEADER + "a,2024-01-01,visit,web\n,2024-01-01,visit,web\n")
    create_workspace(tmp_path, sources={"events": {"path": "e.csv"}})
    result = CliRunner().invoke(main, ["ingest", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "read 2 = loaded 1 + quarantined 1" in result.output
    assert "SELECT * FROM quarantine WHERE import_id IN (1)" in result.output
    result = CliRunner().invoke(main, ["ingest", str(tmp_path), "--format", "json"])
    assert json.loads(result.output)["files"][0]["status"] == "already imported"
    result = CliRunner().invoke(main, ["ingest", str(tmp_path), "--source", "nope"])
    assert result.exit_code == 1 and "no source named 'nope'" in result.output


def test_database_file_is_a_plain_duckdb_file(tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_text(HEADER + "a,2024-01-01,visit,web\n")
    ws = create_workspace(tmp_path, sources={"events": {"path": "e.csv"}})
    ws.ingest()
    with duckdb.connect(str(tmp_path / "parcours.duckdb"), read_only=True) as con:
        assert rows(con, "SELECT count(*) FROM events") == [(1,)]
