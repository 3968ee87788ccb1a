"""The event log on Spark: a DataFrame following the events contract, behind the same analyses.

Columns are those of :mod:`parcours.engine.eventlog`, in Spark types: ``customer_id``,
``event``, ``channel`` and ``properties`` (JSON text) as STRING, ``timestamp`` as TIMESTAMP in a
session whose time zone is UTC (so that naive UTC times read back unchanged), ``event_seq`` as
BIGINT. Other columns are kept (a funnel breakdown may name them). Step predicates
(``Step(where=...)``) are Spark SQL: compile matchers with ``compile_matcher(m, "spark")``.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import pyarrow as pa

from parcours.data.schema import EVENTS
from parcours.engine.backend import substitute
from parcours.engine.dialect import Dialect
from parcours.engine.flows_result import Direction, FlowResult
from parcours.engine.funnel_plan import FunnelLevels, FunnelPlan
from parcours.engine.paths_result import PathsResult
from parcours.engine.period import Every
from parcours.engine.returns_result import Returns
from parcours.engine.spans_result import PlaceCustomers
from parcours.engine.spark.frames import collect, first_line, frame_of
from parcours.engine.spark.session import spark_session
from parcours.errors import EngineError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from parcours.engine.duckdb.eventlog import EventLog

#: Columns an event log must have.
REQUIRED_COLUMNS: tuple[str, ...] = (*EVENTS.required, "event_seq")

_views = itertools.count()


@dataclass(frozen=True)
class SparkEventLog:
    """Events in a Spark DataFrame: ``SparkEventLog(frame)`` for a DataFrame with the contract's
    columns, or the ``from_*`` constructors; ``tables`` holds the workspace's other tables by
    role (``feedback``...). The session's time zone is set to UTC."""

    frame: DataFrame
    tables: dict[str, DataFrame] = field(default_factory=dict)
    names: dict[str, str] = field(init=False)

    dialect: ClassVar[Dialect] = "spark"

    def __post_init__(self) -> None:
        object.__setattr__(self, "frame", _normalise(self.frame))
        self.session.conf.set("spark.sql.session.timeZone", "UTC")
        n = next(_views)
        names = {}
        for role, frame in {"events": self.frame, **self.tables}.items():
            names[role] = f"parcours_{role}_{n}"
            frame.createOrReplaceTempView(names[role])
        object.__setattr__(self, "names", names)

    @classmethod
    def from_parquet(
        cls, location: str | Path, session: SparkSession | None = None
    ) -> SparkEventLog:
        """Read Parquet files (a file, a folder or a glob) following the events contract."""
        spark = session or spark_session()
        try:
            return cls(spark.read.parquet(str(location)))
        except Exception as exc:  # Spark raises its own AnalysisException tree
            if isinstance(exc, EngineError):
                raise
            raise EngineError(
                f"{location}: cannot read the events with Spark: {first_line(exc)}. Give a "
                "Parquet file, folder or glob with the columns of the events contract."
            ) from exc

    @classmethod
    def from_arrow(cls, table: pa.Table, session: SparkSession | None = None) -> SparkEventLog:
        """Wrap an Arrow table (``event_seq`` is added in row order when absent)."""
        if "event_seq" not in table.column_names:
            table = table.append_column(
                "event_seq", pa.array(range(1, table.num_rows + 1), pa.int64())
            )
        return cls(frame_of(table, session or spark_session()))

    @classmethod
    def from_event_log(cls, log: EventLog, session: SparkSession | None = None) -> SparkEventLog:
        """Copy a DuckDB event log into Spark (through Arrow, in the log's order)."""
        return cls.from_arrow(log.arrow(log.text_select()), session)

    @property
    def session(self) -> SparkSession:
        return self.frame.sparkSession

    def columns(self) -> list[str]:
        return list(self.frame.columns)

    def has_column(self, name: str) -> bool:
        return name in self.frame.columns

    def has_table(self, role: str) -> bool:
        return role in self.tables

    def table_columns(self, role: str) -> list[str]:
        if role not in self.tables:
            substitute(f"{{{role}}}", self.names)  # the missing table's error
        return list(self.tables[role].columns)

    def count(self) -> int:
        return int(self.frame.count())

    def sql(self, query: str, args: Sequence[Any] = ()) -> DataFrame:
        """A DataFrame for ``query`` (Spark SQL that reads ``{events}``; ``?`` marks ``args``)."""
        text = substitute(query, self.names)
        try:
            return self.session.sql(text, args=list(args) or None)
        except Exception as exc:  # Spark's ParseException, AnalysisException, ...
            raise EngineError(
                f"Spark query on the event log failed: {first_line(exc)}. Step predicates "
                "on Spark are Spark SQL (compile matchers with dialect='spark')."
            ) from exc

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        table = self.arrow(sql, params)
        return list(zip(*(column.to_pylist() for column in table.columns), strict=True))

    def arrow(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        return collect(self.sql(sql, params))

    def keep(self, name: str, sql: str) -> None:
        self.sql(sql).cache().createOrReplaceTempView(name)

    def drop(self, name: str) -> None:
        self.session.catalog.dropTempView(name)

    def view(self, sql: str, *, materialise: bool = False) -> SparkEventLog:
        frame = self.sql(sql)
        return SparkEventLog(frame.cache() if materialise else frame, self.tables)

    def scoped(self, tables: dict[str, str]) -> SparkEventLog:
        frames = {role: self.sql(sql) for role, sql in tables.items()}
        events = frames.pop("events", self.frame)
        return SparkEventLog(events, {**self.tables, **frames})

    def release(self) -> None:
        self.frame.unpersist()

    def funnel_levels(self, plan: FunnelPlan) -> FunnelLevels:
        from parcours.engine.spark.funnel import funnel_levels

        return funnel_levels(self, plan)

    def paths(self, top_variants: int | None) -> PathsResult:
        from parcours.engine.spark.paths import paths

        return paths(self, top_variants)

    def flows(self, event: str, steps: int, direction: Direction) -> FlowResult:
        from parcours.engine.spark.flows import flows

        return flows(self, event, steps, direction)

    def returns(self, every: Every | None) -> list[Returns]:
        from parcours.engine.returns import returns_sql

        return returns_sql(self, every)

    def earlier_events(self, stages: list[str]) -> list[tuple[str, str, int, int]]:
        from parcours.engine.outcomes import earlier_events_sql

        return earlier_events_sql(self, stages)

    def keep_spans(self, name: str, every: Every | None) -> PlaceCustomers:
        from parcours.engine.journey_kpis import keep_spans_sql

        return keep_spans_sql(self, name, every)

    def customer_key(self, column: str) -> str:
        return column

    def conversion_rows(
        self, conversion: str, value: str | None, channel: str, ages: bool = True
    ) -> list[tuple[Any, ...]]:
        from parcours.engine.spark.journeys import conversion_rows

        return conversion_rows(self, conversion, value, channel, ages)

    def to_arrow(self) -> pa.Table:
        """The events, in (customer_id, timestamp, event_seq) order, times naive UTC."""
        table = collect(self.frame.orderBy("customer_id", "timestamp", "event_seq"))
        naive = [
            pa.field(f.name, pa.timestamp(f.type.unit))
            if pa.types.is_timestamp(f.type) and f.type.tz is not None
            else f
            for f in table.schema
        ]
        return table.cast(pa.schema(naive))


def _normalise(frame: DataFrame) -> DataFrame:
    from pyspark.sql import functions as F
    from pyspark.sql.types import MapType, StructType

    columns = frame.columns
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise EngineError(
            f"the Spark event log lacks the column(s) {', '.join(missing)}; it has "
            f"{', '.join(sorted(columns))}. Map your columns to customer_id, timestamp, event "
            "and event_seq (ingest does this) before running an analysis."
        )
    kinds = {f.name: f.dataType for f in frame.schema.fields}

    def text(name: str) -> Any:
        if name not in columns:
            return F.lit(None).cast("string")
        if isinstance(kinds[name], StructType | MapType):
            return F.to_json(name)
        return F.col(name).cast("string")

    contract = {
        "customer_id": text("customer_id"),
        "timestamp": F.col("timestamp").cast("timestamp"),
        "event": text("event"),
        "channel": text("channel"),
        "event_seq": F.col("event_seq").cast("bigint"),
        "properties": text("properties"),
    }
    others = [F.col(c) for c in columns if c not in contract]
    return frame.select(*[expr.alias(name) for name, expr in contract.items()], *others)
