"""Staging: one input (file or database) made into a DuckDB relation of raw rows.

Parquet is scanned by DuckDB itself (a view, nothing copied); the other formats are read by a
Python reader into a temporary table. Either way the relation has ``_line``, the wanted source
columns and ``_properties``, and the row count is taken independently of validation, so that
``read = loaded + quarantined`` is a real check.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow.compute as pc
import pyarrow.parquet as pq

from parcours.data.mapping import ColumnMapping
from parcours.data.rows import LINE, PROPS, Rejected, RowReader, Wanted
from parcours.data.schema import Contract, Type
from parcours.data.source import Format, SourceConfig
from parcours.data.sql import SqlReader
from parcours.data.text import CsvReader, JsonLinesReader
from parcours.data.validate import lit, q
from parcours.data.xes import XES_DEFAULTS, XesReader
from parcours.errors import DataError

#: Called with (bytes or rows done, total or None) while an input is read.
Advance = Callable[[int, int | None], None]


@dataclass
class Staged:
    """One input, staged: its relation, column types and independent row count."""

    label: str
    relation: str
    types: dict[str, str]
    read: int
    last_line: int
    content_hash: str
    rejected: list[Rejected] = field(default_factory=list)
    is_view: bool = False
    warnings: list[str] = field(default_factory=list)


def defaults_for(fmt: Format) -> dict[str, str]:
    """Default source columns of the roles for a format."""
    return XES_DEFAULTS if fmt == "xes" else {}


def wanted_for(contract: Contract, mapping: ColumnMapping, fmt: Format) -> Wanted:
    """The source columns a reader must deliver for ``contract`` under ``mapping``."""
    defaults = defaults_for(fmt)
    roles = {
        c.name: mapping.source(c.name, defaults)
        for c in contract.columns
        if c.type is not Type.JSON or c.name in mapping.columns
    }
    unknown = set(mapping.columns) - {c.name for c in contract.columns}
    if unknown:
        raise DataError(
            f"columns maps unknown roles {sorted(unknown)}; the roles of {contract.kind} are "
            f"{', '.join(c.name for c in contract.columns)}."
        )
    mapped = tuple(r for r in mapping.columns if r in roles)
    return Wanted(roles, contract.required, contract.properties not in mapping.columns, mapped)


def file_hash(path: str) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


@dataclass(frozen=True)
class FileHashes:
    """A file's SHA-256, its size and the SHA-256 of its first ``prefix`` bytes (None when the
    file is shorter or no prefix was asked), read in one pass."""

    digest: str
    size: int
    prefix: int | None = None
    prefix_digest: str | None = None
    prefix_ends_line: bool = False  # the prefix's last byte is a newline


def file_hashes(path: str, prefix: int | None = None) -> FileHashes:
    """Hash ``path`` whole and, when ``prefix`` is given, its first ``prefix`` bytes too."""
    whole = hashlib.sha256()
    size, head, ends_line = 0, None, False
    with open(path, "rb") as handle:
        while True:
            want = _CHUNK if prefix is None or size >= prefix else min(_CHUNK, prefix - size)
            chunk = handle.read(want)
            if not chunk:
                break
            whole.update(chunk)
            size += len(chunk)
            if prefix is not None and size == prefix and prefix > 0:
                head, ends_line = whole.hexdigest(), chunk.endswith(b"\n")
    return FileHashes(whole.hexdigest(), size, prefix, head, ends_line)


_CHUNK = 1 << 20


def stage(
    con: duckdb.DuckDBPyConnection,
    location: str,
    fmt: Format,
    config: SourceConfig,
    wanted: Wanted,
    name: str,
    advance: Advance,
    content_hash: str | None,
    after: int = 0,
) -> Staged:
    """Stage ``location`` as relation ``name``; ``content_hash`` is computed when None. With
    ``after``, only the rows after that line are staged (and counted): the rest of a file that
    grew since ``after`` lines of it were imported."""
    if after and fmt in ("parquet", "xes", "sql"):
        raise DataError(f"{location}: a {fmt} input cannot be read from line {after + 1}.")
    if fmt == "parquet":
        return _stage_parquet(con, location, wanted, name, advance, content_hash)
    reader: RowReader
    if fmt == "sql":
        reader = SqlReader(location, wanted, table=config.table, query=config.query)
    elif fmt == "xes":
        reader = XesReader(Path(location), wanted)
    elif fmt == "jsonl":
        reader = JsonLinesReader(Path(location), wanted, encoding=config.encoding)
    else:
        delimiter = config.delimiter or ("\t" if fmt == "tsv" else None)
        reader = CsvReader(Path(location), wanted, encoding=config.encoding, delimiter=delimiter)
    try:
        reader.open()
        return _stage_rows(con, reader, location, name, advance, content_hash, after)
    finally:
        reader.close()


def _stage_rows(
    con: duckdb.DuckDBPyConnection,
    reader: RowReader,
    location: str,
    name: str,
    advance: Advance,
    content_hash: str | None,
    after: int,
) -> Staged:
    columns = [
        f"{q(LINE)} BIGINT",
        *(f"{q(c)} VARCHAR" for c in reader.columns),
        f"{q(PROPS)} VARCHAR",
    ]
    con.execute(f"CREATE TEMP TABLE {q(name)} ({', '.join(columns)})")
    skipped = 0
    for batch in reader.batches():
        if after:  # rows imported before: read again (the reader counts lines), not staged
            keep = pc.greater(batch.column(LINE), after)
            skipped += batch.num_rows - (pc.sum(keep).as_py() or 0)
            batch = batch.filter(keep)
        con.register("_parcours_batch", batch)
        con.execute(f"INSERT INTO {q(name)} SELECT * FROM _parcours_batch")
        con.unregister("_parcours_batch")
        advance(reader.position, reader.size)
    types = {c: "VARCHAR" for c in (LINE, *reader.columns, PROPS)}
    digest = content_hash or reader.content_hash or file_hash(location)
    rejected = [r for r in reader.rejected if r.line > after]
    skipped += len(reader.rejected) - len(rejected)
    read = reader.rows - skipped
    return Staged(
        reader.label, name, types, read, reader.last_line, digest, rejected, False, reader.warnings
    )


def _stage_parquet(
    con: duckdb.DuckDBPyConnection,
    path: str,
    wanted: Wanted,
    name: str,
    advance: Advance,
    content_hash: str | None,
) -> Staged:
    try:
        metadata = pq.read_metadata(path)
    except Exception as exc:  # pyarrow raises several types for unreadable files
        raise DataError(f"{path}: not a readable Parquet file: {exc}") from exc
    found = list(metadata.schema.to_arrow_schema().names)
    warnings = wanted.check(path, found)
    columns = [c for c in wanted.columns if c in found]
    rest = [c for c in found if c not in columns]
    props = (
        f"CAST(json_object({', '.join(f'{lit(c)}, {q(c)}' for c in rest)}) AS JSON)"
        if wanted.collect_properties and rest
        else "CAST(NULL AS JSON)"
    )
    select = ", ".join(q(c) for c in columns)
    con.execute(
        f"CREATE TEMP VIEW {q(name)} AS SELECT file_row_number + 1 AS {q(LINE)}, {select}, "
        f"{props} AS {q(PROPS)} FROM read_parquet({lit(path)}, file_row_number = true)"
    )
    types = dict(
        con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {q(name)})").fetchall()
    )
    rows = metadata.num_rows
    advance(Path(path).stat().st_size, Path(path).stat().st_size)
    digest = content_hash or file_hash(path)
    return Staged(path, name, types, rows, rows, digest, is_view=True, warnings=warnings)
