"""Ad-hoc event files: read one (or a glob, or a database table) into an in-memory event log.

The CLI's analyses on a FILE start here::

    log = read_events("events.csv")                       # customer_id, timestamp, event, channel
    log = read_events("log.xes.gz")                       # case id, concept:name, time:timestamp
    log = read_events("clicks.parquet", ColumnMapping(columns={"customer_id": "user"}))
    log.relation                                          # the sorted ``events`` table (DuckDB)
    parcours.engine.EventLog(log.connection, log.table)   # ready for the analyses
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
from pydantic import ValidationError

from parcours.data.ingest import import_source
from parcours.data.mapping import ColumnMapping
from parcours.data.progress import progress_bar
from parcours.data.report import IngestReport
from parcours.data.schema import EVENT_ORDER, Kind
from parcours.data.source import Format, SourceConfig
from parcours.errors import DataError


@dataclass(frozen=True)
class LoadedEvents:
    """Events loaded into a DuckDB connection (table ``events``, sorted), with the ingest report."""

    connection: duckdb.DuckDBPyConnection
    report: IngestReport
    table: str = "events"

    @property
    def relation(self) -> duckdb.DuckDBPyRelation:
        """The events, in (customer_id, timestamp, event_seq) order."""
        return self.connection.sql(
            f'SELECT * FROM "{self.table}" ORDER BY {", ".join(EVENT_ORDER)}'
        )

    @property
    def quarantine(self) -> duckdb.DuckDBPyRelation:
        return self.connection.sql("SELECT * FROM quarantine ORDER BY source, line")

    def __len__(self) -> int:
        row = self.connection.execute(f'SELECT count(*) FROM "{self.table}"').fetchone()
        return int(row[0]) if row else 0

    def to_arrow(self) -> pa.Table:
        return self.relation.to_arrow_table()

    def to_frame(self) -> pd.DataFrame:
        return self.relation.df()

    def to_dict(self) -> dict[str, Any]:
        return {"events": len(self), "report": self.report.to_dict()}


def read_events(
    location: str | Path,
    mapping: ColumnMapping | None = None,
    *,
    format: Format | None = None,
    table: str | None = None,
    query: str | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    progress: bool | None = False,
) -> LoadedEvents:
    """Read events from a file, a glob, a folder or a database URL into DuckDB.

    Rows that cannot be used are in ``log.quarantine``; ``log.report`` reconciles the counts.
    ``con`` loads into an existing DuckDB connection instead of a new in-memory one.
    """
    mapping = mapping or ColumnMapping()
    location = str(location)
    is_db = "://" in location
    try:
        config = SourceConfig(
            kind=Kind.EVENTS,
            path=None if is_db else location,
            url=location if is_db else None,
            table=table,
            query=query,
            format=format,
            columns=mapping.columns,
            timezone=mapping.timezone,
            timestamp_format=mapping.timestamp_format,
            delimiter=delimiter,
            encoding=encoding,
        )
    except ValidationError as exc:
        raise DataError(f"{location}: {exc.errors()[0]['msg']}") from None
    con = con if con is not None else duckdb.connect()
    with progress_bar(progress) as on_input:
        files = import_source(con, "events", config, on_input=on_input)
    return LoadedEvents(con, IngestReport(files))
