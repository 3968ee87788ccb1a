"""Spark DataFrames to and from Arrow on the driver, and Spark's errors as parcours errors."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from parcours.engine.spark.session import pyspark
from parcours.errors import EngineError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


def frame_of(table: pa.Table, session: SparkSession) -> DataFrame:
    """A Spark DataFrame of an Arrow table (through pandas before Spark 4)."""
    major = int(pyspark("the Spark engine").__version__.split(".")[0])
    plain = plain_strings(table)
    data: Any = plain if major >= 4 else plain.to_pandas()
    with _pyspark_sockets():
        return session.createDataFrame(data)


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
        raise EngineError(f"a Spark job of the analysis failed: {first_line(exc)}") from exc


def plain_strings(table: pa.Table) -> pa.Table:
    """Arrow string views and large strings as plain strings (older Spark reads only those)."""
    fields = [
        pa.field(f.name, pa.string())
        if pa.types.is_large_string(f.type) or pa.types.is_string_view(f.type)
        else f
        for f in table.schema
    ]
    return table.cast(pa.schema(fields))


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@contextmanager
def _pyspark_sockets() -> Iterator[None]:
    """PySpark leaves the local sockets of its data transfers to the garbage collector, which
    warns (ResourceWarning); the leak is PySpark's, so its warning is silenced here."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "unclosed <socket", ResourceWarning)
        yield
