"""Hot columns merged with appended rows equal the columns built from all the rows, and analyses
on a workspace that grew by appends equal those on a workspace built from scratch."""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parcours.data import create_workspace
from parcours.engine import EventLog, funnel, paths
from parcours.engine.columns import EventColumns, columns_meta, event_columns
from parcours.engine.workspace_tables import workspace_tables

EPOCH = datetime(2024, 1, 1)
HEADER = "customer_id,timestamp,event,channel\n"

rows = st.lists(
    st.tuples(
        st.sampled_from([f"u{i}" for i in range(6)]), st.integers(0, 6), st.sampled_from("abcd")
    ),
    min_size=1,
    max_size=30,
)


def _write(database: Path, part: list[tuple[str, int, str]], first_seq: int) -> None:
    with duckdb.connect(str(database)) as con:
        con.execute(
            "CREATE TABLE IF NOT EXISTS events (customer_id VARCHAR, timestamp TIMESTAMP, "
            "event VARCHAR, event_seq BIGINT)"
        )
        con.executemany(
            "INSERT INTO events VALUES (?, ?, ?, ?)",
            [
                (c, EPOCH + timedelta(seconds=s), e, first_seq + i)
                for i, (c, s, e) in enumerate(part)
            ],
        )
    columns = database.with_name(database.name + ".columns") / "meta.json"
    if columns.exists():  # coarse clocks: the database is newer than its columns
        stamp = columns.stat().st_mtime + 5
        os.utime(database, (stamp, stamp))


def _columns(database: Path) -> EventColumns:
    with duckdb.connect(str(database), read_only=True) as con:
        columns = event_columns(EventLog(con, "events", database=database))
        return EventColumns(
            np.array(columns.bounds), np.array(columns.ts), np.array(columns.event), columns.names
        )


def _named(columns: EventColumns) -> tuple[list[int], list[int], list[str]]:
    names = [columns.names[code] for code in columns.event]
    return list(columns.bounds), list(columns.ts), names


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows, rows, rows)
def test_merging_sorted_runs_equals_a_full_rebuild(first, second, third) -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "events.duckdb"
        _write(database, first, 1)
        _columns(database)
        _write(database, second, 1000)
        _columns(database)
        _write(database, third, 2000)
        merged = _columns(database)
        meta = columns_meta(database) or {}
        # merged unless more rows came than the columns held (then built again)
        assert meta["built"] == ("merge" if len(third) <= len(first) + len(second) else "full")
        shutil.rmtree(database.with_name(database.name + ".columns"))
        rebuilt = _columns(database)
        assert (columns_meta(database) or {})["built"] == "full"
        assert _named(merged) == _named(rebuilt)


def _csv(rows: list[tuple[str, int, str]]) -> str:
    return "".join(f"{c},{(EPOCH + timedelta(hours=h)).isoformat()},{e},web\n" for c, h, e in rows)


def test_appended_workspace_measures_like_one_built_from_scratch(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    days = [
        [
            (f"c{rng.integers(0, 40)}", int(rng.integers(0, 72)), str(rng.choice(list("vcpr"))))
            for _ in range(200)
        ]
        for _ in range(3)
    ]
    grown, scratch = tmp_path / "grown", tmp_path / "scratch"
    for root in (grown, scratch):
        (root / "data").mkdir(parents=True)
    ws = create_workspace(grown, sources={"events": {"path": "data"}})
    steps = ["v", "c", "p"]
    for day, events in enumerate(days):
        (grown / "data" / f"{day}.csv").write_text(HEADER + _csv(events))
        (scratch / "data" / f"{day}.csv").write_text(HEADER + _csv(events))
        ws.ingest()
        database = ws.settings.database_path
        meta = database.with_name(database.name + ".columns") / "meta.json"
        if meta.exists():
            stamp = meta.stat().st_mtime + 5
            os.utime(database, (stamp, stamp))
        with workspace_tables(ws) as log:
            assert isinstance(log, EventLog)
            grown_funnel, grown_paths = funnel(log, steps), paths(log)
    meta_now = columns_meta(ws.settings.database_path) or {}
    assert (meta_now["built"], meta_now["merges"]) == ("merge", 2)
    fresh = create_workspace(scratch, sources={"events": {"path": "data"}})
    fresh.ingest()
    with workspace_tables(fresh) as log:
        assert isinstance(log, EventLog)
        assert (columns_meta(fresh.settings.database_path) or {}).get("built") in (None, "full")
        assert funnel(log, steps).counts == grown_funnel.counts
        assert funnel(log, steps).to_frame().equals(grown_funnel.to_frame())
        assert paths(log).to_frame().equals(grown_paths.to_frame())
