"""A purchase file for the lifetime-value models: transactions, or a per-customer summary.

Either layout, in CSV/TSV (delimiter sniffed, encoding detected, gzip welcome) or Parquet:

- **transactions**: one row per purchase, with a customer column, a time column (ISO 8601
  date or date-time, an offset converted to UTC, or ``YYYYMMDD``) and optionally a value column
  (a number); loaded as the ``orders`` table (``order_id``, ``customer_id``, ``timestamp``,
  ``amount``) of a new in-memory DuckDB database.
- **summary** in the layout of the ``lifetimes`` package: columns ``frequency``, ``recency``,
  ``T`` and optionally ``monetary_value`` (times in the summary's own unit), one row per
  customer, whose id is the customer column when there is one (else ``ID``/``id``, else the
  row number).

A value that cannot be read stops the reading with a :class:`~parcours.errors.DataError` naming
the file, its line (the header is line 1; the row number for Parquet), the column and the value;
nothing is silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from parcours.data.rows import LINE, PROPS, Wanted
from parcours.data.text import CsvReader
from parcours.data.validate import q
from parcours.errors import DataError

#: Columns of a summary in the lifetimes layout (``monetary_value`` optional).
SUMMARY_COLUMNS: tuple[str, ...] = ("frequency", "recency", "T")
MONETARY = "monetary_value"
#: Names tried, in order, for the customer of a summary that has no ``--customer-col``.
SUMMARY_IDS: tuple[str, ...] = ("customer_id", "ID", "id", "Id")


@dataclass(frozen=True)
class PurchaseFile:
    """A purchase file read: ``kind`` says which layout; ``connection`` holds its rows as the
    table ``orders`` (transactions) or ``summary`` (``customer_id``, ``frequency``,
    ``recency``, ``T``, ``monetary_value``)."""

    label: str
    kind: Literal["transactions", "summary"]
    connection: duckdb.DuckDBPyConnection
    has_value: bool

    @property
    def table(self) -> str:
        return "orders" if self.kind == "transactions" else "summary"


def read_purchases(
    location: str | Path,
    *,
    customer: str = "customer_id",
    timestamp: str = "timestamp",
    value: str | None = None,
) -> PurchaseFile:
    """Read a transactions file or a lifetimes-layout summary into DuckDB, checking each value."""
    path = Path(location)
    label = str(location)
    if not path.is_file():
        raise DataError(f"{label}: no such file; give the path of a CSV or Parquet file.")
    header = _header(path, label)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    if set(SUMMARY_COLUMNS) <= set(header):
        ids = [customer] if customer in header else [n for n in SUMMARY_IDS if n in header][:1]
        columns = [*ids, *SUMMARY_COLUMNS, *([MONETARY] if MONETARY in header else [])]
        _stage(con, path, label, columns)
        _summary(con, label, ids[0] if ids else None, MONETARY in header)
        return PurchaseFile(label, "summary", con, MONETARY in header)
    wanted = [customer, timestamp, *([value] if value else [])]
    missing = [c for c in wanted if c not in header]
    if missing:
        raise DataError(
            f"{label}: column {missing[0]!r} is missing; the columns are "
            f"{', '.join(header) or '(none)'}. Name the customer, time and value columns with "
            "--customer-col, --timestamp-col and --value-col, or give a summary with columns "
            "frequency, recency and T."
        )
    _stage(con, path, label, wanted)
    _transactions(con, label, customer, timestamp, value)
    return PurchaseFile(label, "transactions", con, value is not None)


def _header(path: Path, label: str) -> list[str]:
    if _is_parquet(path):
        try:
            return list(pq.read_schema(path).names)
        except (pa.ArrowException, OSError) as exc:
            raise DataError(f"{label}: not a readable Parquet file ({exc}).") from exc
    reader = CsvReader(path, Wanted({}, (), False))
    try:
        reader.open()
        return list(reader.header)
    finally:
        reader.close()


def _is_parquet(path: Path) -> bool:
    return path.suffix.lower() in (".parquet", ".pq")


def _stage(con: duckdb.DuckDBPyConnection, path: Path, label: str, columns: list[str]) -> None:
    """The raw text of ``columns`` with each row's line, as the temporary table ``raw``."""
    if _is_parquet(path):
        try:
            table = pq.read_table(path, columns=list(dict.fromkeys(columns)))
        except (pa.ArrowException, OSError) as exc:
            raise DataError(f"{label}: not a readable Parquet file ({exc}).") from exc
        arrays = {LINE: pa.array(range(1, table.num_rows + 1), pa.int64())}
        for name in dict.fromkeys(columns):
            arrays[name] = pc.cast(table[name], pa.string())
        con.register("raw_arrow", pa.table(arrays))
    else:
        reader = CsvReader(path, Wanted({c: c for c in columns}, (), False))
        try:
            reader.open()
            batches = list(reader.batches())
        finally:
            reader.close()
        if reader.rejected:
            bad = min(reader.rejected, key=lambda r: r.line)
            raise DataError(
                f"{label}:{bad.line}: {bad.reason}; the row reads {bad.raw_value[:80]!r}. "
                "Fix that line and run again."
            )
        schema = pa.schema(
            [(LINE, pa.int64()), *((c, pa.string()) for c in reader.columns), (PROPS, pa.string())]
        )
        con.register("raw_arrow", pa.Table.from_batches(batches, schema=schema))
    con.execute("CREATE TEMP TABLE raw AS SELECT * FROM raw_arrow")
    con.unregister("raw_arrow")


def _first_bad(
    con: duckdb.DuckDBPyConnection, label: str, column: str, bad: str, expected: str
) -> None:
    """Raise on the first row where ``bad`` (SQL over ``raw``) holds, naming ``column``."""
    row = con.execute(
        f"SELECT {LINE}, {q(column)} FROM raw WHERE {bad} ORDER BY {LINE} LIMIT 1"
    ).fetchone()
    if row is not None:
        shown = "an empty value" if row[1] is None or not str(row[1]).strip() else repr(row[1])
        raise DataError(
            f"{label}:{row[0]}: column {column!r} holds {shown}, not {expected}. "
            "Fix or remove that row, or point the flag at the right column."
        )


def _number(column: str) -> str:
    return f"TRY_CAST(trim({q(column)}) AS DOUBLE)"


def _time(column: str) -> str:
    text = f"trim({q(column)})"
    return (
        f"coalesce(timezone('UTC', TRY_CAST({text} AS TIMESTAMPTZ)), "
        f"try_strptime({text}, '%Y%m%d'))"
    )


def _transactions(
    con: duckdb.DuckDBPyConnection, label: str, customer: str, timestamp: str, value: str | None
) -> None:
    _first_bad(con, label, customer, f"nullif(trim({q(customer)}), '') IS NULL", "a customer id")
    _first_bad(
        con,
        label,
        timestamp,
        f"{_time(timestamp)} IS NULL OR NOT isfinite({_time(timestamp)})",
        "a date (YYYY-MM-DD, an ISO 8601 date-time, or YYYYMMDD)",
    )
    amount = "CAST(NULL AS DOUBLE)"
    if value:
        number = _number(value)
        _first_bad(
            con,
            label,
            value,
            f"{q(value)} IS NOT NULL AND trim({q(value)}) <> '' "
            f"AND ({number} IS NULL OR NOT isfinite({number}))",
            "a number (or empty)",
        )
        amount = number
    con.execute(
        f"""CREATE TABLE orders AS SELECT CAST({LINE} AS VARCHAR) AS order_id,
        trim({q(customer)}) AS customer_id, {_time(timestamp)} AS "timestamp",
        {amount} AS amount FROM raw"""
    )


def _summary(
    con: duckdb.DuckDBPyConnection, label: str, customer: str | None, monetary: bool
) -> None:
    for column in (*SUMMARY_COLUMNS, *([MONETARY] if monetary else [])):
        number = _number(column)
        optional = (
            f"{q(column)} IS NOT NULL AND trim({q(column)}) <> '' AND "
            if column == (MONETARY)
            else ""
        )
        _first_bad(
            con,
            label,
            column,
            f"{optional}({number} IS NULL OR NOT isfinite({number}) OR {number} < 0)",
            "a number >= 0",
        )
    _first_bad(con, label, "recency", f"{_number('recency')} > {_number('T')}", "a recency <= T")
    _first_bad(con, label, "T", f"{_number('T')} <= 0", "a T > 0")
    ident = f"trim({q(customer)})" if customer else f"CAST({LINE} - 1 AS VARCHAR)"
    if customer:
        _first_bad(con, label, customer, f"nullif({ident}, '') IS NULL", "a customer id")
    duplicate = con.execute(
        f"SELECT {ident}, count(*) FROM raw GROUP BY 1 HAVING count(*) > 1 LIMIT 1"
    ).fetchone()
    if duplicate is not None:
        raise DataError(
            f"{label}: customer {duplicate[0]!r} has {duplicate[1]} rows; a summary holds one "
            "row per customer."
        )
    money = _number(MONETARY) if monetary else "CAST(NULL AS DOUBLE)"
    con.execute(
        f"""CREATE TABLE summary AS SELECT {ident} AS customer_id,
        {_number("frequency")} AS frequency, {_number("recency")} AS recency,
        {_number("T")} AS "T", {money} AS monetary_value FROM raw ORDER BY {LINE}"""
    )


__all__ = ["MONETARY", "SUMMARY_COLUMNS", "PurchaseFile", "read_purchases"]
