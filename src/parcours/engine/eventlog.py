"""The event log that every analysis reads: a DuckDB table or view following the events contract.

The contract (shared with ``parcours.data``): columns ``customer_id VARCHAR``, ``timestamp
TIMESTAMP`` (UTC, naive), ``event VARCHAR``, ``channel VARCHAR`` (nullable), ``event_seq BIGINT``
(ingest order, unique: the tie-breaker of every ordering) and ``properties JSON`` (nullable). Every
sequence analysis orders events by ``(customer_id, timestamp, event_seq)``.

Analyses are plain functions over an :class:`EventLog`; the log carries its engine, so another
engine (Spark) can sit behind the same functions later.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from parcours.errors import EngineError

#: Columns an event log must have, with their role.
REQUIRED_COLUMNS: tuple[str, ...] = ("customer_id", "timestamp", "event", "event_seq")
OPTIONAL_COLUMNS: tuple[str, ...] = ("channel", "properties")

#: The one ordering of every sequence analysis.
ORDER_BY = "customer_id, timestamp, event_seq"

_names = itertools.count()


@dataclass(frozen=True)
class EventLog:
    """Events in a DuckDB connection: ``source`` names a table or view of ``connection``.

    ``database`` is the file holding ``source`` when its hot columns may be kept beside it
    (:mod:`parcours.engine.columns`): a workspace's events table, opened read-only.
    """

    connection: duckdb.DuckDBPyConnection
    source: str
    database: Path | None = None

    def __post_init__(self) -> None:
        columns = set(self.columns())
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        if missing:
            raise EngineError(
                f"event log {self.source!r} lacks the column(s) {', '.join(missing)}; "
                f"it has {', '.join(sorted(columns))}. Map your columns to customer_id, "
                "timestamp, event and event_seq (ingest does this) before running an analysis."
            )

    @classmethod
    def from_arrow(
        cls, table: pa.Table, connection: duckdb.DuckDBPyConnection | None = None
    ) -> EventLog:
        """Wrap an Arrow table (``event_seq`` is added in row order when absent)."""
        con = connection if connection is not None else duckdb.connect()
        name = f"parcours_events_{next(_names)}"
        con.register(f"{name}_raw", table)
        seq = "" if "event_seq" in table.column_names else ", row_number() OVER () AS event_seq"
        con.execute(f'CREATE TEMP TABLE "{name}" AS SELECT *{seq} FROM "{name}_raw"')
        con.unregister(f"{name}_raw")
        return cls(con, f'"{name}"')

    @classmethod
    def from_pandas(
        cls, frame: Any, connection: duckdb.DuckDBPyConnection | None = None
    ) -> EventLog:
        """Wrap a pandas DataFrame (``event_seq`` is added in row order when absent)."""
        return cls.from_arrow(pa.Table.from_pandas(frame, preserve_index=False), connection)

    def columns(self) -> list[str]:
        """Column names of the source."""
        try:
            return [row[0] for row in self.connection.execute(f"DESCRIBE {self.source}").fetchall()]
        except duckdb.Error as exc:
            raise EngineError(
                f"cannot read the event log {self.source!r}: {exc}. "
                "Pass the name of a table or view of the connection."
            ) from exc

    def has_column(self, name: str) -> bool:
        return name in self.columns()

    def execute(self, sql: str, params: list[Any] | None = None) -> duckdb.DuckDBPyConnection:
        """Run ``sql`` (which reads ``{events}``) against this log."""
        try:
            return self.connection.execute(sql.replace("{events}", self.source), params or [])
        except duckdb.Error as exc:
            raise EngineError(f"query on the event log {self.source!r} failed: {exc}") from exc

    def arrow(self, sql: str, params: list[Any] | None = None) -> pa.Table:
        """Run ``sql`` (which reads ``{events}``) and return the rows as an Arrow table."""
        try:
            rel = self.connection.sql(sql.replace("{events}", self.source), params=params or None)
            return rel.to_arrow_table()
        except duckdb.Error as exc:
            raise EngineError(f"query on the event log {self.source!r} failed: {exc}") from exc

    def batches(self, sql: str, rows: int) -> Iterator[pa.RecordBatch]:
        """Run ``sql`` (which reads ``{events}``) and stream its rows in Arrow batches."""
        try:
            rel = self.connection.sql(sql.replace("{events}", self.source))
            yield from rel.to_arrow_reader(rows)
        except duckdb.Error as exc:
            raise EngineError(f"query on the event log {self.source!r} failed: {exc}") from exc

    def count(self) -> int:
        # fetchall: a half-fetched result would block the next relation query (DuckDB 2)
        ((count,),) = self.execute("SELECT count(*) FROM {events}").fetchall()
        return int(count)
