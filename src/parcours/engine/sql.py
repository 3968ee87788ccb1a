"""SQL run on the log's own engine: DuckDB, or Spark SQL through a :class:`SparkEventLog`.

Analyses written once in SQL keep the few differences of Spark SQL beside DuckDB's, chosen by
:func:`dialect_of`. :func:`rows` runs a query (which reads ``{events}``) on either engine;
:func:`keep` and :func:`drop` hold an intermediate result for the next queries; :func:`micros`
and :func:`quantile` spell two functions whose names differ.
"""

from __future__ import annotations

from typing import Any, Literal

from parcours.engine.eventlog import EventLog
from parcours.engine.spark.eventlog import SparkEventLog, collect

Dialect = Literal["duckdb", "spark"]


def dialect_of(log: EventLog | SparkEventLog) -> Dialect:
    return "spark" if isinstance(log, SparkEventLog) else "duckdb"


def micros(column: str, dialect: Dialect) -> str:
    """Microseconds since the epoch of a TIMESTAMP ``column``."""
    return f"unix_micros({column})" if dialect == "spark" else f"epoch_us({column})"


def quantile(dialect: Dialect) -> str:
    """The name of the exact quantile aggregate that interpolates, called as ``name(x, 0.5)``."""
    return "percentile" if dialect == "spark" else "quantile_cont"


def rows(log: EventLog | SparkEventLog, sql: str) -> list[tuple[Any, ...]]:
    """The rows of ``sql`` (which reads ``{events}``) on the log's engine."""
    if isinstance(log, SparkEventLog):
        table = collect(log.sql(sql))
        return list(zip(*(column.to_pylist() for column in table.columns), strict=True))
    return log.execute(sql).fetchall()


def keep(log: EventLog | SparkEventLog, name: str, sql: str) -> None:
    """The rows of ``sql`` kept under ``name``: a temporary table on DuckDB, a cached temporary
    view on Spark."""
    if isinstance(log, SparkEventLog):
        log.sql(sql).cache().createOrReplaceTempView(name)
    else:
        log.execute(f"CREATE TEMP TABLE {name} AS {sql}").fetchall()


def drop(log: EventLog | SparkEventLog, name: str) -> None:
    """Forget what :func:`keep` kept under ``name``."""
    if isinstance(log, SparkEventLog):
        log.session.catalog.dropTempView(name)
    else:
        log.execute(f"DROP TABLE IF EXISTS {name}").fetchall()
