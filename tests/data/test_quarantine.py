"""Bad rows go to quarantine with file, line, column, raw value and reason; counts reconcile."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from parcours.data import ColumnMapping, read_events
from parcours.errors import DataError

from .conftest import rows

BAD = (
    "customer_id,timestamp,event,channel\n"
    "c1,2024-01-01 10:00,visit,web\n"
    ",2024-01-01 11:00,visit,web\n"  # line 3: missing customer
    "c2,31/02/2024,visit,web\n"  # line 4: unparseable timestamp
    "c3,,visit,web\n"  # line 5: missing timestamp
    "c4,2024-01-02,,web\n"  # line 6: missing event
    "c5,2024-01-02,visit\n"  # line 7: too few fields
    "c6,2024-01-03,buy,\n"  # line 8: fine, channel unknown
)


def test_bad_rows_are_quarantined_with_location_and_reason(write) -> None:
    path = write("events.csv", BAD)
    log = read_events(path)
    got = rows(
        log.connection,
        'SELECT source, line, "column", raw_value, reason FROM quarantine ORDER BY line',
    )
    assert got == [
        (str(path), 3, "customer_id", None, "missing customer_id"),
        (str(path), 4, "timestamp", "31/02/2024", "unparseable timestamp"),
        (str(path), 5, "timestamp", None, "missing timestamp"),
        (str(path), 6, "event", None, "missing event"),
        (str(path), 7, None, "c5,2024-01-02,visit", "expected 4 fields, found 3"),
    ]
    report = log.report
    assert (report.read, report.loaded, report.quarantined) == (7, 2, 5)
    assert report.reconciled and "read 7 = loaded 2 + quarantined 5" in str(report)
    assert rows(log.connection, "SELECT customer_id, channel FROM events") == [
        ("c1", "web"),
        ("c6", None),
    ]


def test_quarantine_keeps_the_whole_raw_row(write) -> None:
    log = read_events(write("e.csv", BAD))
    record = rows(
        log.connection,
        "SELECT record->>'timestamp', record->>'channel' FROM quarantine WHERE line = 4",
    )
    assert record == [("31/02/2024", "web")]


def test_bad_encoding_lines_are_quarantined(write) -> None:
    good = "customer_id,timestamp,event\nc1,2024-01-01,café\n".encode()
    bad = b"c2,2024-01-01,caf\xe9\n"
    log = read_events(write("e.csv", good + bad))
    assert rows(log.connection, 'SELECT line, "column", raw_value, reason FROM quarantine') == [
        (3, "event", "c2,2024-01-01,caf\\xe9", "bad encoding: not valid utf-8")
    ]
    assert log.report.reconciled and log.report.loaded == 1


def test_missing_required_column_names_file_columns_and_a_guess(write) -> None:
    path = write("e.csv", "user_id,timestamp,event\nu,2024-01-01,a\n")
    with pytest.raises(DataError) as caught:
        read_events(path)
    message = str(caught.value)
    assert str(path) in message and "'customer_id'" in message
    assert "Columns found: user_id, timestamp, event" in message
    assert "Did you mean 'user_id'?" in message


def test_unknown_role_in_mapping_is_an_error(write) -> None:
    with pytest.raises(DataError, match="unknown roles"):
        read_events(write("e.csv", BAD), ColumnMapping(columns={"user": "customer_id"}))


def test_unknown_time_zone_is_refused() -> None:
    with pytest.raises(DataError, match="unknown time zone"):
        ColumnMapping(timezone="Mars/Olympus")


def test_database_url_needs_a_table_or_query() -> None:
    with pytest.raises(DataError, match="exactly one of table or query"):
        read_events("sqlite:///nowhere.db")


def test_events_of_several_files_quarantine_exactly_their_bad_rows(tmp_path: Path) -> None:
    """Only the lines no loaded event bears are validated again: each file's bad rows, none of
    another file's, with their reason and raw row, and every count reconciles."""
    folder = tmp_path / "events"
    folder.mkdir()
    bad = {"a.parquet": {0, 7, 8, 999}, "b.parquet": {3, 500}}
    for name, lines in bad.items():
        n = 1000
        pq.write_table(
            pa.table(
                {
                    "customer_id": [None if i in lines else f"c{i % 37}" for i in range(n)],
                    "timestamp": [f"2024-01-01 {i % 24:02d}:00" for i in range(n)],
                    "event": ["visit"] * n,
                    "device": [f"d{i}" for i in range(n)],
                }
            ),
            folder / name,
        )
    log = read_events(folder)
    got = rows(
        log.connection,
        "SELECT source, line, reason, record->>'device' FROM quarantine ORDER BY source, line",
    )
    assert got == [
        (str(folder / name), i + 1, "missing customer_id", f"d{i}")
        for name, lines in sorted(bad.items())
        for i in sorted(lines)
    ]
    assert rows(log.connection, "SELECT count(*) FROM events") == [(2000 - 6,)]
    assert log.report.reconciled and len(log.report.files) == 2
