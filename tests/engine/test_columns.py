"""Hot columns: kept beside a workspace's database, merged with each import's rows, right whatever
the order the rows are stored in."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pyarrow as pa
import pytest

from parcours.data import create_workspace
from parcours.engine import EventLog, funnel, paths
from parcours.engine.columns import columns_meta, event_columns
from parcours.engine.workspace_tables import workspace_tables
from parcours.errors import EngineError

from .conftest import log_from_cases

HEADER = "customer_id,timestamp,event,channel\n"


def test_workspace_columns_follow_new_imports(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "1.csv").write_text(
        HEADER + "a,2024-01-01,view,web\na,2024-01-02,buy,web\nb,2024-01-01,view,app\n"
    )
    ws = create_workspace(tmp_path, sources={"events": {"path": "data"}})
    ws.ingest()
    with workspace_tables(ws) as log:
        assert isinstance(log, EventLog)
        assert funnel(log, ["view", "buy"]).counts == [2, 1]
    database = ws.settings.database_path
    assert (database.with_name(database.name + ".columns") / "meta.json").exists()  # beside it
    assert (columns_meta(database) or {})["built"] == "full"

    # a later import makes the database newer: its rows are merged into the columns
    (data / "2.csv").write_text(HEADER + "b,2024-01-03,buy,app\nc,2024-01-01,pay,web\n")
    ws.ingest()
    _touch_after_columns(database)
    with workspace_tables(ws) as log:
        assert isinstance(log, EventLog)
        assert funnel(log, ["view", "buy"]).counts == [2, 2]
        assert funnel(log, ["pay"]).counts == [1]  # a new event name gets a new code
        assert paths(log).cases == 3
    meta = columns_meta(database) or {}
    assert (meta["built"], meta["merges"], meta["rows"]) == ("merge", 1, 5)


def _touch_after_columns(database: Path) -> None:
    """Coarse clocks: make the database newer than its columns, as after a real import."""
    stamp = (database.with_name(database.name + ".columns") / "meta.json").stat().st_mtime
    os.utime(database, (stamp + 5, stamp + 5))


def test_rows_stored_out_of_order_are_read_sorted() -> None:
    log = log_from_cases(
        {
            "u1": [[0, "view"], [5, "buy"], [5, "view"]],
            "u2": [[1, "view"]],
            "u3": [[2, "view"], [3, "buy"]],
        }
    )
    table = log.connection.sql(f"SELECT * FROM {log.source}").to_arrow_table()
    rows = list(range(table.num_rows))
    random.Random(7).shuffle(rows)
    shuffled = EventLog.from_arrow(table.take(pa.array(rows, pa.int64())))
    want, got = event_columns(log), event_columns(shuffled)
    assert got.customers == want.customers == 3
    assert [len(b) for b in (got.ts, got.event)] == [6, 6]
    # same rows per customer, in (timestamp, event_seq) order
    for cols in (want, got):
        epoch = int(cols.ts.min())
        runs = [
            [(int(cols.ts[r]) - epoch, cols.names[cols.event[r]]) for r in range(a, b)]
            for a, b in zip(cols.bounds[:-1], cols.bounds[1:], strict=True)
        ]
        assert sorted(runs) == sorted(
            [
                [(0, "view"), (5_000_000, "buy"), (5_000_000, "view")],
                [(1_000_000, "view")],
                [(2_000_000, "view"), (3_000_000, "buy")],
            ]
        )


def test_events_without_a_name_are_a_clear_error() -> None:
    log = log_from_cases({"u1": [[0, "view"], [1, "buy"]]})
    log.connection.execute(f"UPDATE {log.source} SET event = NULL WHERE event = 'buy'")
    with pytest.raises(EngineError, match="1 event\\(s\\) have no event name"):
        funnel(log, ["view", "buy"])
