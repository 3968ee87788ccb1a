"""Each reader turns its format into the same events table (real files, real DuckDB)."""

from __future__ import annotations

import gzip
import json
import sqlite3
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from parcours.data import ColumnMapping, read_events

from .conftest import ORACLES, rows

PARIS = ZoneInfo("Europe/Paris")
CSV = "customer_id,timestamp,event,channel,plan\nc1,2024-03-01 10:00:00,visit,web,free\n"


def test_csv_defaults_and_unmapped_columns_become_properties(write) -> None:
    log = read_events(write("e.csv", CSV))
    assert rows(
        log.connection,
        "SELECT customer_id, timestamp, event, channel, event_seq, properties->>'plan' FROM events",
    ) == [("c1", datetime(2024, 3, 1, 10), "visit", "web", 2, "free")]
    assert log.report.reconciled and log.report.loaded == 1


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_csv_delimiter_is_sniffed(write, delimiter: str) -> None:
    text = CSV.replace(",", delimiter)
    assert len(read_events(write("e.txt", text))) == 1


def test_cp1252_file_is_detected(write) -> None:
    path = write("e.csv", "customer_id;timestamp;event\nc1;2024-03-01;détour\n", "cp1252")
    assert rows(read_events(path).connection, "SELECT event FROM events") == [("détour",)]


def test_utf8_bom_and_gzip(write) -> None:
    data = gzip.compress(("\ufeff" + CSV).encode("utf-8"))
    assert len(read_events(write("e.csv.gz", data))) == 1


def test_multiline_field_keeps_file_line_numbers(write) -> None:
    text = 'customer_id,timestamp,event\nc1,2024-01-01,"two\nlines"\nc2,never,visit\n'
    log = read_events(write("e.csv", text))
    assert rows(log.connection, "SELECT line, reason FROM quarantine") == [
        (4, "unparseable timestamp")
    ]


def test_mapping_and_time_zone(write) -> None:
    text = "user;when;action\nu1;01/07/2024 12:00;buy\nu1;2024-07-01T12:00:00+00:00;x\n"
    mapping = ColumnMapping(
        columns={"customer_id": "user", "timestamp": "when", "event": "action"},
        timestamp_format="%d/%m/%Y %H:%M",
        timezone="Europe/Paris",
    )
    log = read_events(write("e.csv", text), mapping)
    assert rows(log.connection, "SELECT timestamp, event FROM events") == [
        (datetime(2024, 7, 1, 10), "buy")  # 12:00 in Paris, summer time, is 10:00 UTC
    ]
    assert log.report.quarantined == 1  # the ISO line does not follow the declared format


def test_iso_offsets_win_over_the_configured_zone(write) -> None:
    text = "customer_id,timestamp,event\nc,2024-01-01T12:00:00+02:00,a\nc,2024-01-01 12:00,b\n"
    log = read_events(write("e.csv", text), ColumnMapping(timezone="America/New_York"))
    assert rows(log.connection, "SELECT event, timestamp FROM events ORDER BY event") == [
        ("a", datetime(2024, 1, 1, 10)),
        ("b", datetime(2024, 1, 1, 17)),
    ]


def test_epoch_timestamps(write) -> None:
    text = "customer_id,timestamp,event\nc,1700000000123,a\n"
    log = read_events(write("e.csv", text), ColumnMapping(timestamp_format="epoch_ms"))
    assert rows(log.connection, "SELECT timestamp FROM events") == [
        (datetime(2023, 11, 14, 22, 13, 20, 123000),)
    ]


def test_jsonl_nested_values_and_bad_lines(write) -> None:
    lines = [
        json.dumps(
            {"customer_id": "c1", "timestamp": "2024-01-01", "event": "a", "meta": {"k": 1}}
        ),
        "{not json",
        "[1, 2]",
        "",
        json.dumps({"customer_id": 7, "timestamp": "2024-01-02", "event": "b"}),
    ]
    log = read_events(write("e.jsonl", "\n".join(lines) + "\n"))
    sql = "SELECT customer_id, properties FROM events ORDER BY customer_id"
    assert rows(log.connection, sql) == [
        ("7", None),
        ("c1", '{"meta":{"k":1}}'),
    ]
    reasons = rows(log.connection, "SELECT line, reason FROM quarantine ORDER BY line")
    assert [(line, reason.split(":")[0]) for line, reason in reasons] == [
        (2, "invalid JSON"),
        (3, "not a JSON object"),
    ]
    assert log.report.read == 4 and log.report.reconciled


def test_parquet_native_types_and_row_numbers(tmp_path: Path) -> None:
    table = pa.table(
        {
            "customer_id": ["b", "a", None],
            "timestamp": pa.array(
                [
                    datetime(2024, 1, 2, tzinfo=PARIS),
                    datetime(2024, 1, 1, tzinfo=PARIS),
                    datetime(2024, 1, 3, tzinfo=PARIS),
                ],
                pa.timestamp("ns", tz="Europe/Paris"),
            ),
            "event": ["x", "y", "z"],
            "score": [1.5, 2.5, 3.5],
        }
    )
    pq.write_table(table, tmp_path / "e.parquet")
    log = read_events(tmp_path / "e.parquet")
    assert rows(
        log.connection,
        "SELECT customer_id, timestamp, event_seq, properties FROM events ORDER BY event_seq DESC",
    ) == [
        ("a", datetime(2023, 12, 31, 23), 2, '{"score":2.5}'),
        ("b", datetime(2024, 1, 1, 23), 1, '{"score":1.5}'),
    ]
    assert rows(log.connection, "SELECT line, reason FROM quarantine") == [
        (3, "missing customer_id")
    ]


def test_xes_matches_its_csv_twin() -> None:
    xes = read_events(ORACLES / "running-example.xes")
    csv = read_events(
        ORACLES / "running-example.csv",
        ColumnMapping(
            columns={
                "customer_id": "case:concept:name",
                "event": "concept:name",
                "timestamp": "time:timestamp",
            }
        ),
    )
    query = "SELECT customer_id, timestamp, event FROM events ORDER BY ALL"
    assert len(xes) == 42
    assert rows(xes.connection, query) == rows(csv.connection, query)


def test_xes_gzip_streams_all_events() -> None:
    log = read_events(ORACLES / "08_receipt.xes.gz")
    assert len(log) == 8577
    assert rows(log.connection, "SELECT count(DISTINCT customer_id) FROM events") == [(1434,)]


def test_sqlite_table_and_query(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE clicks (user TEXT, ts TEXT, what TEXT, page TEXT)")
        db.executemany(
            "INSERT INTO clicks VALUES (?, ?, ?, ?)",
            [("u1", "2024-01-01 09:00", "view", "/"), ("u2", "oops", "view", "/a")],
        )
    db.close()
    mapping = ColumnMapping(columns={"customer_id": "user", "timestamp": "ts", "event": "what"})
    log = read_events(f"sqlite:///{path}", mapping, table="clicks")
    assert rows(log.connection, "SELECT customer_id, properties->>'page' FROM events") == [
        ("u1", "/")
    ]
    assert rows(log.connection, 'SELECT line, "column", raw_value FROM quarantine') == [
        (2, "ts", "oops")
    ]
    query = read_events(
        f"sqlite:///{path}", mapping, query="SELECT * FROM clicks WHERE user = 'u1'"
    )
    assert len(query) == 1
