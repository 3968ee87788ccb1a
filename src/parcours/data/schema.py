"""The tables parcours keeps in a workspace's DuckDB file: their columns, types and rules.

The ``events`` contract (produced by ingest, consumed by the engine)::

    customer_id  VARCHAR    NOT NULL  who (trimmed, never empty)
    timestamp    TIMESTAMP  NOT NULL  when: UTC, naive, microseconds; source times are converted
                                      from their explicit offset, else from the configured zone
    event        VARCHAR    NOT NULL  what (trimmed, never empty)
    channel      VARCHAR              through which channel/touchpoint (NULL when unknown)
    event_seq    BIGINT     NOT NULL  ingest order: unique, deterministic; the tie-breaker of
                                      every ordering (customer_id, timestamp, event_seq)
    properties   JSON                 a JSON object: the mapped properties column, else the
                                      source's unmapped columns (NULL when there are none)
    source       VARCHAR    NOT NULL  the file (or database table/query) the row came from

The table is append-only and stays in arrival order: an import appends its rows, with
``event_seq`` values larger than every row before it, and never re-sorts the history. Sequence
analyses read the (customer_id, timestamp, event_seq) order from the hot columns kept beside the
database (``parcours.engine.columns``), which merge each import's rows in. ``customers``,
``feedback`` and ``orders`` follow the contracts below; rows that break a rule go to
``quarantine``; every imported file is recorded in ``imports``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """What a source holds; each kind is loaded into the table of the same name."""

    EVENTS = "events"
    CUSTOMERS = "customers"
    FEEDBACK = "feedback"
    ORDERS = "orders"


class Type(StrEnum):
    """How a source value is read: each type has one parser and one failure reason."""

    ID = "VARCHAR"  # trimmed text, empty means missing
    TEXT = "TEXT"  # trimmed text, empty means missing
    TIMESTAMP = "TIMESTAMP"  # converted to naive UTC
    NUMBER = "DOUBLE"
    BOOLEAN = "BOOLEAN"  # true/false, yes/no, 1/0, oui/non
    JSON = "JSON"  # a JSON object
    SURVEY = "SURVEY"  # one of SURVEY_TYPES, case-insensitive


@dataclass(frozen=True)
class Column:
    """One column of a contract: its name (also its role and default source column)."""

    name: str
    type: Type
    required: bool = False
    #: How DuckDB stores the column when not its own choice: the events' customer ids (nearly
    #: all distinct within a row group) cost half the import's writing time in DuckDB's
    #: dictionary and FSST analysis; zstd writes them twice as fast, about 30% larger.
    compression: str | None = None

    @property
    def sql_type(self) -> str:
        return {Type.TEXT: "VARCHAR", Type.SURVEY: "VARCHAR"}.get(self.type, self.type.value)


@dataclass(frozen=True)
class Contract:
    """The columns of one kind's table and how it is ordered."""

    kind: Kind
    columns: tuple[Column, ...]
    order_by: tuple[str, ...] = ()
    seq_column: str | None = None

    @property
    def properties(self) -> str:
        """The JSON column that receives the unmapped source columns."""
        return next(c.name for c in self.columns if c.type is Type.JSON)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def ddl(self, table: str | None = None) -> str:
        """``CREATE TABLE`` for this contract (with ``source``, and ``seq_column`` if any)."""
        lines = [
            f'"{c.name}" {c.sql_type}'
            + (f" USING COMPRESSION {c.compression}" if c.compression else "")
            + (" NOT NULL" if c.required else "")
            for c in self.columns
        ]
        if self.seq_column:
            lines.insert(len(lines) - 1, f'"{self.seq_column}" BIGINT NOT NULL')
        lines.append('"source" VARCHAR NOT NULL')
        return f'CREATE TABLE IF NOT EXISTS "{table or self.kind.value}" ({", ".join(lines)})'

    @property
    def table_columns(self) -> tuple[str, ...]:
        """Column names in table order."""
        names = [c.name for c in self.columns]
        if self.seq_column:
            names.insert(len(names) - 1, self.seq_column)
        return (*names, "source")


#: Column names of the events contract, for the engine.
CUSTOMER_ID, TIMESTAMP, EVENT, CHANNEL, EVENT_SEQ, PROPERTIES, SOURCE = (
    "customer_id",
    "timestamp",
    "event",
    "channel",
    "event_seq",
    "properties",
    "source",
)
#: The one ordering every sequence analysis uses.
EVENT_ORDER: tuple[str, str, str] = (CUSTOMER_ID, TIMESTAMP, EVENT_SEQ)

#: Times outside [EARLIEST, LATEST) are quarantined: a year 1 or 9999 ("-infinity", "infinity"),
#: 10000 or 294247 is a bad value, and would break the duration and calendar analyses.
EARLIEST, LATEST = "1900-01-01", "2200-01-01"
#: The widest offset from UTC a real time zone has (Kiribati, +14:00).
MAX_OFFSET_HOURS = 14
#: Words DuckDB reads as times that are not dates of an event.
SPECIAL_TIMES = ("epoch", "infinity", "-infinity", "+infinity")

#: Survey types a feedback row may declare, with the valid rating range of each.
SURVEY_TYPES: dict[str, tuple[float, float] | None] = {
    "nps": (0, 10),
    "csat": (1, 5),
    "ces": (1, 7),
    "review": (1, 5),
}

EVENTS = Contract(
    Kind.EVENTS,
    (
        Column(CUSTOMER_ID, Type.ID, required=True, compression="zstd"),
        Column(TIMESTAMP, Type.TIMESTAMP, required=True),
        Column(EVENT, Type.TEXT, required=True),
        Column(CHANNEL, Type.TEXT),
        Column(PROPERTIES, Type.JSON),
    ),
    order_by=EVENT_ORDER,
    seq_column=EVENT_SEQ,
)
CUSTOMERS = Contract(
    Kind.CUSTOMERS,
    (Column(CUSTOMER_ID, Type.ID, required=True), Column("attributes", Type.JSON)),
    order_by=(CUSTOMER_ID,),
)
FEEDBACK = Contract(
    Kind.FEEDBACK,
    (
        Column(CUSTOMER_ID, Type.ID, required=True),
        Column(TIMESTAMP, Type.TIMESTAMP, required=True),
        Column("survey_type", Type.SURVEY),
        Column("rating", Type.NUMBER),
        Column("text", Type.TEXT),
        Column("touchpoint", Type.TEXT),  # NULL: about the whole journey ("à froid")
        Column("language", Type.TEXT),
        Column(PROPERTIES, Type.JSON),
    ),
    order_by=(CUSTOMER_ID, TIMESTAMP),
)
ORDERS = Contract(
    Kind.ORDERS,
    (
        Column("order_id", Type.ID, required=True),
        Column(CUSTOMER_ID, Type.ID, required=True),
        Column(TIMESTAMP, Type.TIMESTAMP, required=True),
        Column("amount", Type.NUMBER),
        Column("returned", Type.BOOLEAN),
        Column("complaint", Type.BOOLEAN),
        Column("waiting_time", Type.NUMBER),  # seconds
        Column("response_time", Type.NUMBER),  # seconds
        Column(PROPERTIES, Type.JSON),
    ),
    order_by=(CUSTOMER_ID, TIMESTAMP),
)
CONTRACTS: dict[Kind, Contract] = {c.kind: c for c in (EVENTS, CUSTOMERS, FEEDBACK, ORDERS)}

QUARANTINE_DDL = """CREATE TABLE IF NOT EXISTS quarantine (
    import_id BIGINT NOT NULL, kind VARCHAR NOT NULL, source VARCHAR NOT NULL, line BIGINT,
    "column" VARCHAR, raw_value VARCHAR, reason VARCHAR NOT NULL, record JSON)"""
"""Rows that could not be used. ``line`` is the 1-based file line for CSV/TSV and JSON Lines,
the 1-based row (event) number for Parquet, XES and SQL sources."""

IMPORTS_DDL = """CREATE TABLE IF NOT EXISTS imports (
    import_id BIGINT NOT NULL, kind VARCHAR NOT NULL, source_name VARCHAR NOT NULL,
    source VARCHAR NOT NULL, content_hash VARCHAR NOT NULL, rows_read BIGINT NOT NULL,
    rows_loaded BIGINT NOT NULL, rows_quarantined BIGINT NOT NULL, seq_start BIGINT,
    seq_end BIGINT, imported_at TIMESTAMP NOT NULL, bytes BIGINT, last_line BIGINT)"""
"""One row per imported file: its content hash makes a second import of it a no-op. ``bytes``
and ``last_line`` are the file's size and last line when it was hashed (NULL for database
inputs): a later version of the file whose first ``bytes`` bytes hash to ``content_hash`` grew by
appending, and only its lines after ``last_line`` are imported."""

#: Columns added to ``imports`` after its first version (added to older databases on open).
IMPORTS_ADDED = {"bytes": "BIGINT", "last_line": "BIGINT"}
