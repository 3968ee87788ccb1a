"""SparkEventLog: built from Parquet, Arrow, a DuckDB log or a workspace, with the same rows."""

from __future__ import annotations

import os
import time

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from parcours.data import Workspace, create_workspace
from parcours.engine import EventLog, funnel
from parcours.engine.workspace_tables import export_tables, workspace_tables
from parcours.errors import EngineError

from .conftest import SPARK, same

pytestmark = SPARK

CONTRACT = ["customer_id", "timestamp", "event", "channel", "event_seq", "properties"]


def test_same_rows_as_duckdb(duck, sparklog):
    want = duck.arrow("SELECT * FROM {events} ORDER BY customer_id, timestamp, event_seq")
    got = sparklog.to_arrow()
    assert got.column_names[:6] == CONTRACT
    for name in CONTRACT:
        assert got.column(name).to_pylist() == want.column(name).to_pylist(), name


def test_from_parquet_written_by_duckdb(spark, duck, tmp_path):
    from parcours.engine.spark import SparkEventLog

    target = tmp_path / "events.parquet"
    duck.execute(f"COPY (SELECT * FROM {{events}} LIMIT 500) TO '{target}' (FORMAT parquet)")
    log = SparkEventLog.from_parquet(target, spark)
    want = pq.read_table(target).sort_by(
        [("customer_id", "ascending"), ("timestamp", "ascending"), ("event_seq", "ascending")]
    )
    assert log.to_arrow().column("timestamp").to_pylist() == want.column("timestamp").to_pylist()


def test_from_arrow_numbers_rows_and_checks_columns(spark):
    from parcours.engine.spark import SparkEventLog

    table = pa.table(
        {
            "customer_id": ["a", "a"],
            "timestamp": pa.array([0, 0], pa.timestamp("us")),
            "event": ["x", "y"],
        }
    )
    log = SparkEventLog.from_arrow(table, spark)
    assert log.to_arrow().column("event_seq").to_pylist() == [1, 2]  # as EventLog.from_arrow
    with pytest.raises(EngineError, match="lacks the column"):
        SparkEventLog.from_arrow(table.drop_columns(["event"]), spark)
    with pytest.raises(EngineError, match="cannot read the events"):
        SparkEventLog.from_parquet("/nonexistent/events.parquet", spark)


def test_workspace_on_spark(spark, events, tmp_path):
    source = tmp_path / "events.parquet"
    subset = events.filter(pa.compute.less(events.column("customer_id"), "C00000600"))
    pq.write_table(subset.drop_columns(["event_seq", "properties"]), source)
    ws = create_workspace(tmp_path, sources={"events": {"path": "events.parquet"}}, engine="spark")
    ws.ingest()
    duck_ws = Workspace.open(tmp_path, engine="duckdb")
    with workspace_tables(ws) as log, workspace_tables(duck_ws) as duck_log:
        assert log.dialect == "spark"
        assert isinstance(duck_log, EventLog)
        steps = ["social_post_view", "inspiration_page_view", "ar_view"]
        same(funnel(log, steps).to_dict(), funnel(duck_log, steps).to_dict())
    exported = export_tables(ws)["events"]
    stamp = exported.stat().st_mtime
    assert export_tables(ws)["events"].stat().st_mtime == stamp  # unchanged: no new export
    later = time.time() + 5
    os.utime(ws.settings.database_path, (later, later))
    assert export_tables(ws)["events"].stat().st_mtime > stamp
