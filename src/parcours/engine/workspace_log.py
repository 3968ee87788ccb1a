"""The event log of a workspace, on the engine its settings name (``engine = "duckdb" | "spark"``).

::

    log = open_event_log(Workspace.open("shop"))   # EventLog or SparkEventLog
    funnel(log, ["view", "cart", "pay"])            # the same call on either engine

On DuckDB the log reads the workspace's ``events`` table through a read-only connection (close
it with ``log.connection.close()``); its hot columns are kept beside the database
(:mod:`parcours.engine.columns`). On Spark the table is exported once to Parquet beside the
database (``<database>.spark/events.parquet``, refreshed when the database is newer) and read by
a session on ``spark_master`` (local mode when unset); on a cluster that folder must be on
storage every executor can read.
"""

from __future__ import annotations

from pathlib import Path

from parcours.data.workspace import Workspace
from parcours.engine.columns import is_fresh
from parcours.engine.eventlog import ORDER_BY, EventLog
from parcours.engine.spark.eventlog import SparkEventLog, text_select
from parcours.errors import EngineError


def open_event_log(workspace: Workspace) -> EventLog | SparkEventLog:
    """The workspace's events as a log of its engine."""
    on_spark = spark_event_log(workspace)
    if on_spark is not None:
        return on_spark
    database = workspace.settings.database_path
    return EventLog(workspace.connect(read_only=True), "events", database=database)


def spark_event_log(workspace: Workspace) -> SparkEventLog | None:
    """The workspace's events on Spark (its master, or local), read from their export; None
    when the workspace's engine is DuckDB."""
    if workspace.settings.engine != "spark":
        return None
    from parcours.engine.spark.session import spark_session

    session = spark_session(workspace.settings.spark_master)
    return SparkEventLog.from_parquet(export_events(workspace), session)


def export_events(workspace: Workspace) -> Path:
    """The workspace's ``events`` as one Parquet file sorted by (customer, time, event_seq),
    written again only when the database changed since the last export."""
    database = workspace.settings.database_path
    if not database.exists():
        raise EngineError(
            f"{database}: the workspace has no database yet; run `parcours ingest` first."
        )
    target = database.with_name(database.name + ".spark") / "events.parquet"
    if is_fresh(target, database):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    with workspace.connect(read_only=True) as con:
        log = EventLog(con, "events")
        path = str(partial).replace("'", "''")
        log.execute(f"COPY ({text_select(log)} ORDER BY {ORDER_BY}) TO '{path}' (FORMAT parquet)")
    partial.replace(target)
    return target
