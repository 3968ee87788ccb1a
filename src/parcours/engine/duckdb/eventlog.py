"""The event log on DuckDB, the default engine: a table or view following the events contract.

The contract is :data:`parcours.data.schema.EVENTS`: ``customer_id VARCHAR``, ``timestamp
TIMESTAMP`` (UTC, naive), ``event VARCHAR``, ``channel VARCHAR`` (nullable), ``event_seq BIGINT``
(ingest order, unique: the tie-breaker of every ordering) and ``properties JSON`` (nullable). Every
sequence analysis orders events by ``(customer_id, timestamp, event_seq)``.

:class:`EventLog` implements :class:`parcours.engine.backend.Backend`: analyses call it, and it
runs their DuckDB side (funnels and paths over the hot columns of :mod:`parcours.engine.columns`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import duckdb
import pyarrow as pa

from parcours.data.schema import EVENT_ORDER, EVENTS
from parcours.engine.backend import substitute
from parcours.engine.columns import EventColumns, changed_at, event_columns
from parcours.engine.dialect import Dialect
from parcours.engine.flows_result import Direction, FlowResult
from parcours.engine.funnel_plan import FunnelLevels, FunnelPlan
from parcours.engine.paths_result import PathsResult
from parcours.engine.period import Every
from parcours.engine.returns_result import Returns
from parcours.engine.spans_result import PlaceCustomers
from parcours.errors import EngineError

#: Columns an event log must have.
REQUIRED_COLUMNS: tuple[str, ...] = (*EVENTS.required, "event_seq")

#: The one ordering of every sequence analysis.
ORDER_BY = ", ".join(EVENT_ORDER)

_names = itertools.count()
_filtered: dict[tuple[Path, str, float], EventColumns] = {}


@dataclass(frozen=True)
class EventLog:
    """Events in a DuckDB connection: ``source`` names a table or view of ``connection``;
    ``tables`` names the other tables of the workspace it holds, by role (``feedback``...).

    ``database`` is the file holding ``source`` when its hot columns may be kept beside it
    (:mod:`parcours.engine.columns`): a workspace's events table, opened read-only.
    """

    connection: duckdb.DuckDBPyConnection
    source: str
    database: Path | None = None
    tables: dict[str, str] = field(default_factory=dict)
    made: tuple[str, ...] = ()  # "VIEW name" / "TABLE name" made for this log: release() drops
    basis: tuple[Path, str] | None = None  # a view of a database's events: (database, its SQL)
    #: what the compiled passes read once from a source this log made (owns_source)
    held: dict[str, object] = field(default_factory=dict, compare=False, repr=False)
    dialect: ClassVar[Dialect] = "duckdb"

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

    def has_table(self, role: str) -> bool:
        return role in self.tables

    def table_columns(self, role: str) -> list[str]:
        return [row[0] for row in self.rows(f"DESCRIBE {{{role}}}")]

    def _sql(self, sql: str) -> str:
        return substitute(sql, {**self.tables, "events": self.source})

    def execute(self, sql: str, params: Sequence[Any] = ()) -> duckdb.DuckDBPyConnection:
        """Run ``sql`` (which reads ``{events}``) against this log."""
        try:
            return self.connection.execute(self._sql(sql), list(params))
        except duckdb.Error as exc:
            raise EngineError(f"query on the event log {self.source!r} failed: {exc}") from exc

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.execute(sql, params).fetchall()

    def arrow(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        """Run ``sql`` (which reads ``{events}``) and return the rows as an Arrow table."""
        try:
            text = self._sql(sql)
            rel = self.connection.sql(text, params=list(params) or None)
            return rel.to_arrow_table()
        except duckdb.Error as exc:
            raise EngineError(f"query on the event log {self.source!r} failed: {exc}") from exc

    def batches(self, sql: str, rows: int) -> Iterator[pa.RecordBatch]:
        """Run ``sql`` (which reads ``{events}``) and stream its rows in Arrow batches."""
        try:
            rel = self.connection.sql(self._sql(sql))
            yield from rel.to_arrow_reader(rows)
        except duckdb.Error as exc:
            raise EngineError(f"query on the event log {self.source!r} failed: {exc}") from exc

    def count(self) -> int:
        # fetchall: a half-fetched result would block the next relation query (DuckDB 2)
        ((count,),) = self.rows("SELECT count(*) FROM {events}")
        return int(count)

    def keep(self, name: str, sql: str) -> None:
        self.execute(f"CREATE TEMP TABLE {name} AS {sql}").fetchall()

    def drop(self, name: str) -> None:
        self.execute(f"DROP TABLE IF EXISTS {name}").fetchall()

    def view(self, sql: str, *, materialise: bool = False) -> EventLog:
        name = f"parcours_view_{next(_names)}"
        kind = "TABLE" if materialise else "VIEW"
        self.execute(f"CREATE OR REPLACE TEMP {kind} {name} AS {sql}").fetchall()
        return EventLog(self.connection, name, tables=self.tables, made=(f"{kind} {name}",))

    def scoped(self, tables: dict[str, str]) -> EventLog:
        names = {**self.tables, "events": self.source}
        made = []
        for role, sql in tables.items():
            name = f"parcours_{role}_{next(_names)}"
            self.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {sql}").fetchall()
            made.append(f"VIEW {name}")
            names[role] = name
        events = names.pop("events")
        if events == self.source:
            return EventLog(self.connection, events, self.database, names, tuple(made), self.basis)
        basis = None
        if self.database is not None:  # the same filter on the same data: the same columns
            basis = (self.database, tables["events"])
        return EventLog(self.connection, events, None, names, tuple(made), basis)

    @property
    def owns_source(self) -> bool:
        """Whether the events are a table this log made (:meth:`view` materialised): they do
        not change until :meth:`release`."""
        return f"TABLE {self.source}" in self.made

    def release(self) -> None:
        self.held.clear()
        for made in reversed(self.made):
            kind, name = made.split(" ")
            self.connection.execute(f"DROP {kind} IF EXISTS {name}").fetchall()

    def text_select(self, role: str = "events") -> str:
        """``SELECT`` of every column of the ``role`` table with JSON columns as text (for
        Parquet and Spark)."""
        table = "{" + role + "}"
        described = self.rows(f"SELECT column_name, column_type FROM (DESCRIBE {table})")
        json_columns = [name for name, kind in described if kind == "JSON"]
        cast = ", ".join(f'CAST("{c}" AS VARCHAR) AS "{c}"' for c in json_columns)
        return f"SELECT *{f' REPLACE ({cast})' if cast else ''} FROM {table}"

    def hot_columns(self) -> EventColumns:
        """The log's hot columns (:mod:`parcours.engine.columns`): kept beside its database;
        for a view of a database's events (a filter), built once per process while the
        database does not change."""
        if self.basis is None:
            return event_columns(self)
        database, _ = self.basis
        key = (*self.basis, changed_at(database))
        held = _filtered.get(key)
        if held is None:
            _filtered.clear()  # one filter's columns at a time: they can be large
            held = _filtered[key] = event_columns(self)
        return held

    def funnel_levels(self, plan: FunnelPlan) -> FunnelLevels:
        from parcours.engine.duckdb.funnel import funnel_levels

        return funnel_levels(self, plan)

    def paths(self, top_variants: int | None) -> PathsResult:
        from parcours.engine.duckdb.paths import summarise

        return summarise(self.hot_columns(), top_variants)

    def flows(self, event: str, steps: int, direction: Direction) -> FlowResult:
        from parcours.engine.duckdb.flows import flows

        return flows(self, event, steps, direction)

    def returns(self, every: Every | None) -> list[Returns]:
        from parcours.engine.duckdb.returns import returns

        return returns(self, every)

    def earlier_events(self, stages: list[str]) -> list[tuple[str, str, int, int]]:
        from parcours.engine.duckdb.returns import earlier_events

        return earlier_events(self, stages)

    def keep_spans(self, name: str, every: Every | None) -> PlaceCustomers:
        from parcours.engine.duckdb.spans import keep_spans

        return keep_spans(self, name, every)

    def customer_key(self, column: str) -> str:
        return f"hash({column})"  # the compiled passes' key (parcours.engine.duckdb.ordered)

    def conversion_rows(
        self, conversion: str, value: str | None, channel: str, ages: bool = True
    ) -> list[tuple[Any, ...]]:
        from parcours.engine.duckdb.journeys import conversion_rows

        return conversion_rows(self, conversion, value, channel, ages)
