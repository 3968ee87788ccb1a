"""Times no event can have are quarantined per row with their reason, never loaded or fatal."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from parcours.data import ColumnMapping, read_events
from parcours.data.ingest import import_source
from parcours.data.schema import Kind
from parcours.data.source import SourceConfig

from .conftest import rows

SPECIAL = "not a time of an event: epoch, infinity, -infinity, +infinity are refused"
OFFSET = "impossible UTC offset (real ones lie within -14:00..+14:00)"
OUTSIDE = "timestamp outside 1900-01-01..2200-01-01"


def quarantined(log) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    return rows(
        log.connection, 'SELECT line, "column", raw_value, reason FROM quarantine ORDER BY line'
    )


def test_special_words_bad_offsets_and_far_years_are_quarantined(write) -> None:
    text = (
        "customer_id,timestamp,event\n"
        "c,2024-01-01 10:00,ok\n"  # 2
        "c,infinity,a\n"  # 3
        "c,-infinity,a\n"  # 4
        "c,EPOCH,a\n"  # 5
        "c,2024-01-01 10:00+25:00,a\n"  # 6
        "c,2024-01-01T10:00:00+02:60,a\n"  # 7
        "c,10000-01-01,a\n"  # 8
        "c,294247-01-01,a\n"  # 9
        "c,1899-12-31 23:59,a\n"  # 10
        "c,2024-01-01 (BC),a\n"  # 11
        "c,2024-01-01 10:00+14:00,ok\n"  # 12
        "c,2024-01-01 10:00:00.5-05:30,ok\n"  # 13
        "c,2199-12-31,ok\n"  # 14
    )
    log = read_events(write("e.csv", text))
    assert quarantined(log) == [
        (3, "timestamp", "infinity", SPECIAL),
        (4, "timestamp", "-infinity", SPECIAL),
        (5, "timestamp", "EPOCH", SPECIAL),
        (6, "timestamp", "2024-01-01 10:00+25:00", OFFSET),
        (7, "timestamp", "2024-01-01T10:00:00+02:60", OFFSET),
        (8, "timestamp", "10000-01-01", OUTSIDE),
        (9, "timestamp", "294247-01-01", OUTSIDE),
        (10, "timestamp", "1899-12-31 23:59", OUTSIDE),
        (11, "timestamp", "2024-01-01 (BC)", OUTSIDE),
    ]
    assert rows(log.connection, "SELECT timestamp FROM events ORDER BY event_seq") == [
        (datetime(2024, 1, 1, 10),),
        (datetime(2023, 12, 31, 20),),
        (datetime(2024, 1, 1, 15, 30, 0, 500000),),
        (datetime(2199, 12, 31),),
    ]
    report = log.report
    assert (report.read, report.loaded, report.quarantined) == (13, 4, 9) and report.reconciled


def test_unconvertible_epoch_values_are_quarantined_not_fatal(write) -> None:
    text = "customer_id,timestamp,event\nc,1700000000,ok\nc,1e300,a\nc,nan,a\nc,inf,a\n"
    text += "c,-1e15,a\nc,abc,a\n"
    log = read_events(write("e.csv", text), ColumnMapping(timestamp_format="epoch_s"))
    reason = "epoch_s time outside 1900-01-01..2200-01-01, or not a finite number"
    assert quarantined(log) == [
        (3, "timestamp", "1e300", reason),
        (4, "timestamp", "nan", reason),
        (5, "timestamp", "inf", reason),
        (6, "timestamp", "-1e15", reason),
        (7, "timestamp", "abc", "unparseable timestamp"),
    ]
    assert log.report.loaded == 1 and log.report.reconciled


def test_parquet_times_and_epoch_numbers_out_of_range(tmp_path: Path) -> None:
    table = pa.table(
        {
            "customer_id": ["a", "b", "c"],
            "timestamp": pa.array(
                [datetime(2024, 1, 1), datetime(1800, 1, 1), datetime(9999, 12, 31)],
                pa.timestamp("us"),
            ),
            "event": ["x", "y", "z"],
        }
    )
    pq.write_table(table, tmp_path / "t.parquet")
    log = read_events(tmp_path / "t.parquet")
    assert [(line, reason) for line, _c, _raw, reason in quarantined(log)] == [
        (2, OUTSIDE),
        (3, OUTSIDE),
    ]
    numbers = table.set_column(1, "timestamp", pa.array([1_700_000_000, 2**62, -(2**62)]))
    pq.write_table(numbers, tmp_path / "n.parquet")
    log = read_events(tmp_path / "n.parquet", ColumnMapping(timestamp_format="epoch_s"))
    assert [line for line, *_ in quarantined(log)] == [2, 3]
    assert log.report.loaded == 1 and log.report.reconciled


@pytest.mark.parametrize("value", ["infinity", "2024-01-01 10:00+25:00", "10000-01-01"])
def test_feedback_and_orders_times_follow_the_same_rules(write, value: str) -> None:
    path = write("o.csv", f"order_id,customer_id,timestamp\no1,c,2024-01-01\no2,c,{value}\n")
    con = duckdb.connect()
    (report,) = import_source(con, "orders", SourceConfig(kind=Kind.ORDERS, path=str(path)))
    assert (report.loaded, report.quarantined) == (1, 1)
    assert rows(con, "SELECT line, raw_value FROM quarantine") == [(3, value)]


@pytest.mark.parametrize("zone", ["Europe/Paris", "Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_times_without_an_offset_are_read_in_any_real_zone(write, zone: str) -> None:
    text = "customer_id,timestamp,event\nc,2024-07-01 10:00,a\nc,2024-07-01 10:00+25:00,b\n"
    log = read_events(write("e.csv", text), ColumnMapping(timezone=zone))
    assert [(line, reason) for line, _c, _raw, reason in quarantined(log)] == [(3, OFFSET)]
    assert log.report.loaded == 1
