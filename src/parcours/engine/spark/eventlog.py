"""The event log on Spark: a DataFrame following the events contract, behind the same analyses.

Columns are those of :mod:`parcours.engine.eventlog`, in Spark types: ``customer_id``,
``event``, ``channel`` and ``properties`` (JSON text) as STRING, ``timestamp`` as TIMESTAMP in a
session whose time zone is UTC (so that naive UTC times read back unchanged), ``event_seq`` as
BIGINT. Other columns are kept (a funnel breakdown may name them). Step predicates
(``Step(where=...)``) are Spark SQL: compile matchers with ``compile_matcher(m, "spark")``.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import pyarrow as pa

from parcours.engine.eventlog import REQUIRED_COLUMNS, EventLog
from parcours.engine.spark.session import pyspark, spark_session
from parcours.errors import EngineError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

_views = itertools.count()


@dataclass(frozen=True)
class SparkEventLog:
    """Events in a Spark DataFrame: ``SparkEventLog(frame)`` for a DataFrame with the contract's
    columns, or the ``from_*`` constructors. The session's time zone is set to UTC."""

    frame: DataFrame
    view: str = field(init=False)
    engine: ClassVar[str] = "spark"

    def __post_init__(self) -> None:
        object.__setattr__(self, "frame", _normalise(self.frame))
        object.__setattr__(self, "view", f"parcours_events_{next(_views)}")
        self.session.conf.set("spark.sql.session.timeZone", "UTC")
        self.frame.createOrReplaceTempView(self.view)

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
                f"{location}: cannot read the events with Spark: {_first_line(exc)}. Give a "
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
        table = log.arrow(text_select(log))
        return cls.from_arrow(_plain_strings(table), session)

    @property
    def session(self) -> SparkSession:
        return self.frame.sparkSession

    def columns(self) -> list[str]:
        return list(self.frame.columns)

    def has_column(self, name: str) -> bool:
        return name in self.frame.columns

    def count(self) -> int:
        return int(self.frame.count())

    def sql(self, query: str, args: list[Any] | None = None) -> DataFrame:
        """A DataFrame for ``query`` (Spark SQL that reads ``{events}``; ``?`` marks ``args``)."""
        text = query.replace("{events}", self.view)
        try:
            return self.session.sql(text, args=args or None)
        except Exception as exc:  # Spark's ParseException, AnalysisException, ...
            raise EngineError(
                f"Spark query on the event log failed: {_first_line(exc)}. Step predicates "
                "on Spark are Spark SQL (compile matchers with dialect='spark')."
            ) from exc

    def of_customers(self, customers: pa.Table) -> SparkEventLog:
        """The events of the customers listed in ``customers`` (a ``customer_id`` column)."""
        chosen = frame_of(customers.select(["customer_id"]), self.session)
        return SparkEventLog(self.frame.join(chosen, "customer_id", "left_semi"))

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


def frame_of(table: pa.Table, session: SparkSession) -> DataFrame:
    """A Spark DataFrame of an Arrow table (through pandas before Spark 4)."""
    major = int(pyspark("the Spark engine").__version__.split(".")[0])
    data: Any = table if major >= 4 else table.to_pandas()
    with _pyspark_sockets():
        return session.createDataFrame(data)


def text_select(log: EventLog) -> str:
    """``SELECT`` of every column of ``log`` with JSON columns as text (Spark has no JSON type)."""
    described = log.execute("SELECT column_name, column_type FROM (DESCRIBE {events})")
    json_columns = [name for name, kind in described.fetchall() if kind == "JSON"]
    cast = ", ".join(f'CAST("{c}" AS VARCHAR) AS "{c}"' for c in json_columns)
    return f"SELECT *{f' REPLACE ({cast})' if cast else ''} FROM {{events}}"


def collect(frame: DataFrame) -> pa.Table:
    """A DataFrame's rows on the driver, as Arrow."""
    try:
        with _pyspark_sockets():
            if hasattr(frame, "toArrow"):  # Spark 4
                return frame.toArrow()
            return pa.Table.from_pandas(frame.toPandas(), preserve_index=False)
    except Exception as exc:
        if isinstance(exc, EngineError):
            raise
        raise EngineError(f"a Spark job of the analysis failed: {_first_line(exc)}") from exc


@contextmanager
def _pyspark_sockets() -> Iterator[None]:
    """PySpark leaves the local sockets of its data transfers to the garbage collector, which
    warns (ResourceWarning); the leak is PySpark's, so its warning is silenced here."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "unclosed <socket", ResourceWarning)
        yield


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


def _plain_strings(table: pa.Table) -> pa.Table:
    """Arrow string views and large strings as plain strings (older Spark reads only those)."""
    fields = [
        pa.field(f.name, pa.string())
        if pa.types.is_large_string(f.type) or pa.types.is_string_view(f.type)
        else f
        for f in table.schema
    ]
    return table.cast(pa.schema(fields))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
