"""A workspace's tables on the engine its settings name (``engine = "duckdb" | "spark"``).

::

    with workspace_tables(Workspace.open("shop")) as log:   # a Backend
        funnel(log, ["view", "cart", "pay"])                 # the same call on either engine

The log holds the workspace's ``events`` and, when they were ingested, its ``customers``,
``feedback`` and ``orders`` (SQL reads them as ``{customers}``...). On DuckDB it reads the
database through a read-only connection, closed on leaving the block; the events' hot columns
are kept beside the database (:mod:`parcours.engine.columns`). On Spark each table is exported
once to Parquet beside the database (``<database>.spark/<table>.parquet``, the events sorted by
(customer, time, event_seq); written again when the database is newer) and read by a session on
``spark_master`` (local mode when unset); on a cluster that folder must be on storage every
executor can read.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from parcours.data.workspace import Workspace
from parcours.engine.backend import TABLES, Backend
from parcours.engine.columns import is_fresh
from parcours.engine.duckdb.eventlog import ORDER_BY, EventLog
from parcours.errors import EngineError


@contextmanager
def workspace_tables(workspace: Workspace) -> Iterator[Backend]:
    """The workspace's tables as a log of its engine, for the time of a ``with`` block."""
    if workspace.settings.engine == "spark":
        yield _on_spark(workspace)
        return
    database = _database(workspace)
    connection = workspace.connect(read_only=True)
    try:
        tables = _tables(connection, database)
        yield EventLog(connection, "events", database=database, tables=tables)
    finally:
        connection.close()


def _on_spark(workspace: Workspace) -> Backend:
    from parcours.engine.spark.eventlog import SparkEventLog
    from parcours.engine.spark.session import spark_session

    session = spark_session(workspace.settings.spark_master)
    frames = {
        role: session.read.parquet(str(path)) for role, path in export_tables(workspace).items()
    }
    return SparkEventLog(frames.pop("events"), frames)


def export_tables(workspace: Workspace) -> dict[str, Path]:
    """The workspace's tables as Parquet files (the events sorted by (customer, time,
    event_seq)), written again only when the database changed since the last export."""
    database = _database(workspace)
    folder = database.with_name(database.name + ".spark")
    out: dict[str, Path] = {}
    with workspace.connect(read_only=True) as con:
        log = EventLog(con, "events", tables=_tables(con, database))
        for role in ("events", *log.tables):
            target = out[role] = folder / f"{role}.parquet"
            if is_fresh(target, database):
                continue
            folder.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".partial")
            select = log.text_select(role)
            order = f" ORDER BY {ORDER_BY}" if role == "events" else ""
            path = str(partial).replace("'", "''")
            log.execute(f"COPY ({select}{order}) TO '{path}' (FORMAT parquet)")
            partial.replace(target)
    return out


def _tables(connection: duckdb.DuckDBPyConnection, database: Path) -> dict[str, str]:
    """The tables beside the events that the database holds, by role."""
    present = {row[0] for row in connection.execute("SHOW TABLES").fetchall()}
    if "events" not in present:
        raise EngineError(
            f"{database}: the workspace has no events yet; declare a [sources.events] in "
            "parcours.toml and run `parcours ingest`."
        )
    return {role: role for role in TABLES if role in present}


def _database(workspace: Workspace) -> Path:
    database = workspace.settings.database_path
    if not database.exists():
        raise EngineError(
            f"{database}: the workspace has no database yet; run `parcours ingest` first."
        )
    return database


def event_names(workspace: Workspace) -> list[str] | None:
    """The event names the workspace's data holds; None before anything was ingested."""
    if workspace.settings.engine != "spark" and not workspace.settings.database_path.exists():
        return None
    try:
        with workspace_tables(workspace) as log:
            names = log.rows("SELECT DISTINCT event FROM {events}")
    except EngineError:  # no events table yet
        return None
    return sorted(str(n) for (n,) in names if n)
