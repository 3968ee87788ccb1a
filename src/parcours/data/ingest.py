"""Import a source into DuckDB: validate, quarantine, load sorted, all in one transaction.

:func:`import_source` reads every input of one declared source. Inputs whose content hash is
already in ``imports`` (for the same kind) are skipped. The rest are staged, validated in SQL,
their good rows loaded and their bad rows written to ``quarantine`` (an input is read a second
time for that only when some of its rows were not loaded, and for events only the rows on the
lines that no loaded ``event_seq`` bears are validated again); ``read = loaded + quarantined`` is
checked per input, and the whole source commits or rolls back as one. Events
get ``event_seq`` = the import's sequence start + the row's line, larger than every event
before, and are appended in arrival order: an import costs in proportion to its own rows, never
re-sorting the history (the analyses' sorted order lives in the hot columns,
:mod:`parcours.engine.columns`, which merge the new rows in).

Files that grow: a CSV/TSV/JSON Lines file imported before whose new version starts with exactly
the bytes imported then (same size-prefix hash, ending on a line break) imports only its lines
after the last one imported, ``event_seq`` continuing. A file imported before whose imported part
changed is reported ``changed`` and not imported at all, so that no row is imported twice.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from parcours.data.report import FileReport
from parcours.data.rows import LINE
from parcours.data.schema import CONTRACTS, IMPORTS_ADDED, IMPORTS_DDL, QUARANTINE_DDL, Contract
from parcours.data.source import Format, SourceConfig
from parcours.data.staging import (
    Advance,
    FileHashes,
    Staged,
    defaults_for,
    file_hashes,
    stage,
    wanted_for,
)
from parcours.data.validate import lit, q, validated_sql
from parcours.errors import DataError

#: Called when an input starts: (label) -> an Advance callback for its progress.
OnInput = Callable[[str], Advance]
_names = itertools.count()
_BATCH = 1 << 20
_UNLOADED = "_parcours_unloaded"
#: Formats whose files may grow by appended lines.
GROWING: frozenset[Format] = frozenset({"csv", "tsv", "jsonl"})


@dataclass(frozen=True)
class _Prior:
    """The latest import of one file: what it covered."""

    import_id: int
    content_hash: str
    bytes: int | None
    last_line: int | None
    imported_at: datetime


@dataclass(frozen=True)
class _Input:
    """One input to import: its location, content hash, size, and the line it starts after."""

    location: str
    digest: str | None
    size: int | None = None
    after: int = 0


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the contract tables, ``quarantine`` and ``imports`` when missing."""
    for contract in CONTRACTS.values():
        con.execute(contract.ddl())
    con.execute(QUARANTINE_DDL)
    con.execute(IMPORTS_DDL)
    for column, sql_type in IMPORTS_ADDED.items():
        con.execute(f"ALTER TABLE imports ADD COLUMN IF NOT EXISTS {q(column)} {sql_type}")


def import_source(
    con: duckdb.DuckDBPyConnection,
    name: str,
    config: SourceConfig,
    *,
    root: str = ".",
    on_input: OnInput | None = None,
) -> tuple[FileReport, ...]:
    """Import every new input of source ``name``; one transaction for all of them."""
    kind = config.kind_for(name)
    contract = CONTRACTS[kind]
    create_tables(con)
    seen = set(_scalar_list(con, "SELECT content_hash FROM imports WHERE kind = ?", [kind.value]))
    priors = _priors(con, kind.value)
    skipped: list[FileReport] = []
    todo: list[_Input] = []
    for location in config.locations(Path(root)):
        fmt = config.format_of(location)
        if fmt == "sql":
            todo.append(_Input(location, None))
            continue
        prior = priors.get(location)
        hashes = file_hashes(location, prior.bytes if prior else None)
        if hashes.digest in seen:
            skipped.append(FileReport(name, kind.value, location, "already imported"))
            continue
        if prior is not None:
            problem = _not_grown(location, fmt, prior, hashes)
            if problem:
                skipped.append(FileReport(name, kind.value, location, "changed", message=problem))
                continue
        after = (prior.last_line or 0) if prior else 0
        todo.append(_Input(location, hashes.digest, hashes.size, after))
        seen.add(hashes.digest)
    if not todo:
        return tuple(skipped)
    zone = con.execute("SELECT current_setting('TimeZone')").fetchone()[0]  # type: ignore[index]
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"SET TimeZone = {lit(config.timezone)}")
        done = _import(con, name, config, contract, todo, seen, on_input)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.execute(f"SET TimeZone = {lit(zone)}")
    return (*skipped, *done)


def _priors(con: duckdb.DuckDBPyConnection, kind: str) -> dict[str, _Prior]:
    """The latest import of each file of ``kind``, by location."""
    rows = con.execute(
        "SELECT source, import_id, content_hash, bytes, last_line, imported_at FROM imports "
        "WHERE kind = ? "
        "QUALIFY row_number() OVER (PARTITION BY source ORDER BY import_id DESC) = 1",
        [kind],
    ).fetchall()
    return {row[0]: _Prior(*row[1:]) for row in rows}


def _not_grown(location: str, fmt: Format, prior: _Prior, hashes: FileHashes) -> str:
    """Why the file at ``location`` is not the file imported before plus appended lines ("" when
    it is)."""
    when = f"import {prior.import_id} on {prior.imported_at:%Y-%m-%d %H:%M} UTC"
    redo = (
        "Nothing of it was imported this time, so that no row is imported twice. If it holds new "
        "events, put them in a new file (or append them to the end of this one); if the earlier "
        "import was wrong, rebuild the workspace database from the corrected files."
    )
    if prior.bytes is None:
        return (
            f"{location}: changed since {when}, which did not record the file's size, so what "
            f"was added cannot be told apart. {redo}"
        )
    if hashes.size < prior.bytes or hashes.prefix_digest != prior.content_hash:
        return (
            f"{location}: changed since {when}: its first {prior.bytes:,} bytes are no longer "
            f"the content imported then. {redo}"
        )
    if fmt not in GROWING or _gzipped(location):
        return (
            f"{location}: grew since {when}, but a {fmt} file"
            f"{' compressed with gzip' if fmt in GROWING else ''} cannot be imported from where "
            f"the last import stopped. {redo}"
        )
    if not hashes.prefix_ends_line:
        return (
            f"{location}: grew since {when}, but the content imported then did not end with a "
            f"line break, so its last line ({prior.last_line}) was extended. {redo}"
        )
    return ""


def _gzipped(location: str) -> bool:
    with open(location, "rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


def _import(
    con: duckdb.DuckDBPyConnection,
    name: str,
    config: SourceConfig,
    contract: Contract,
    todo: list[_Input],
    seen: set[str],
    on_input: OnInput | None,
) -> list[FileReport]:
    kind = contract.kind.value
    import_id = _scalar(con, "SELECT coalesce(max(import_id), 0) + 1 FROM imports")
    seq = _scalar(con, "SELECT coalesce(max(seq_end), 0) FROM imports WHERE kind = ?", [kind])
    mapping = config.mapping
    plans: list[tuple[Staged, str, int, _Input]] = []  # staged, validated view, seq start, input
    reports: list[FileReport] = []
    for item in todo:
        location, digest = item.location, item.digest
        fmt = config.format_of(location)
        advance = on_input(location) if on_input else (lambda done, total: None)
        staged = stage(
            con,
            location,
            fmt,
            config,
            wanted_for(contract, mapping, fmt),
            f"_parcours_raw_{next(_names)}",
            advance,
            digest,
            item.after,
        )
        if digest is None and staged.content_hash in seen:  # a database read twice, unchanged
            reports.append(FileReport(name, kind, staged.label, "already imported"))
            continue
        seen.add(staged.content_hash)
        view = f"_parcours_valid_{next(_names)}"
        sql = validated_sql(
            q(staged.relation), staged.types, contract, mapping, defaults_for(fmt), staged.label
        )
        con.execute(f"CREATE TEMP VIEW {q(view)} AS {sql}")
        plans.append((staged, view, seq, item))
        seq += staged.last_line + 1
    loaded = _load(con, contract, [plan[:3] for plan in plans])
    for staged, view, start, item in plans:
        # the rows not loaded are the bad ones: a clean input is not read a second time, and
        # events are validated again only on the lines their event_seq values skip
        missing = staged.read - loaded.get(staged.label, 0) - len(staged.rejected)
        validated, raw = view, ""
        if missing > 0 and contract.seq_column:
            n = next(_names)
            validated, raw = f"_parcours_bad_{n}", f"_parcours_bad_raw_{n}"
            _unloaded(con, contract, staged, start, raw)
            fmt = config.format_of(item.location)
            sql = validated_sql(
                q(raw), staged.types, contract, mapping, defaults_for(fmt), staged.label
            )
            con.execute(f"CREATE TEMP VIEW {q(validated)} AS {sql}")
        quarantined = _quarantine(con, import_id, kind, staged, validated, scan=missing > 0)
        if raw:
            con.execute(f"DROP VIEW {q(validated)}")
            con.execute(f"DROP TABLE {q(raw)}")
        report = FileReport(
            name,
            kind,
            staged.label,
            "imported",
            staged.read,
            loaded.get(staged.label, 0),
            quarantined,
            import_id,
            staged.content_hash,
            f"the lines after line {item.after:,}, imported before" if item.after else "",
            tuple(staged.warnings),
        )
        if not report.reconciled:
            raise DataError(
                f"{staged.label}: read {report.read} rows but loaded {report.loaded} and "
                f"quarantined {report.quarantined}; nothing was imported. Please report this."
            )
        con.execute(
            "INSERT INTO imports (import_id, kind, source_name, source, content_hash, rows_read, "
            "rows_loaded, rows_quarantined, seq_start, seq_end, imported_at, bytes, last_line) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                import_id,
                kind,
                name,
                staged.label,
                staged.content_hash,
                report.read,
                report.loaded,
                report.quarantined,
                start,
                start + staged.last_line + 1,
                datetime.now(UTC).replace(tzinfo=None),
                item.size,
                staged.last_line if item.size is not None else None,
            ],
        )
        reports.append(report)
    for staged, view, *_ in plans:
        con.execute(f"DROP VIEW IF EXISTS {q(view)}")
        con.execute(f"DROP {'VIEW' if staged.is_view else 'TABLE'} {q(staged.relation)}")
    return reports


def _unloaded(
    con: duckdb.DuckDBPyConnection, contract: Contract, staged: Staged, start: int, name: str
) -> None:
    """Copy the staged rows of an events input whose line no loaded row bears (``event_seq`` =
    ``start`` + line) into the temporary table ``name``: the only rows to validate again (copied,
    so that the validation's filter cannot be evaluated before the lines are)."""
    seq = q(str(contract.seq_column))
    unloaded = np.ones(staged.last_line + 1, dtype=np.bool_)
    found = con.sql(
        f"SELECT {seq} - {start} AS line FROM {q(contract.kind.value)} "
        f"WHERE {seq} BETWEEN {start} AND {start + staged.last_line}"
    )
    for batch in found.to_arrow_reader(_BATCH):
        unloaded[batch.column(0).to_numpy()] = False
    con.register(_UNLOADED, pa.table({"line": np.flatnonzero(unloaded)}))
    con.execute(
        f"CREATE TEMP TABLE {q(name)} AS SELECT * FROM {q(staged.relation)} "
        f"WHERE {q(LINE)} IN (SELECT line FROM {_UNLOADED})"
    )
    con.unregister(_UNLOADED)


def _quarantine(
    con: duckdb.DuckDBPyConnection,
    import_id: int,
    kind: str,
    staged: Staged,
    view: str,
    *,
    scan: bool,
) -> int:
    """Quarantine the input's rejected rows and, with ``scan``, the rows of the validated
    ``view`` that failed validation; how many rows were quarantined."""
    head = f"{import_id}, {lit(kind)}, {lit(staged.label)}"
    count = 0
    if scan:
        count = _scalar(
            con,
            f"INSERT INTO quarantine SELECT {head}, {q(LINE)}, _problem.column, _problem.raw, "
            f"_problem.reason, _record FROM {q(view)} WHERE _problem IS NOT NULL",
        )
    if staged.rejected:
        rejected = pa.table(
            {
                "line": [r.line for r in staged.rejected],
                "column": [r.column for r in staged.rejected],
                "raw_value": [r.raw_value for r in staged.rejected],
                "reason": [r.reason for r in staged.rejected],
            }
        )
        con.register("_parcours_rejected", rejected)
        con.execute(
            f'INSERT INTO quarantine SELECT {head}, line, "column", raw_value, reason, '
            "NULL FROM _parcours_rejected"
        )
        con.unregister("_parcours_rejected")
    return count + len(staged.rejected)


def _load(
    con: duckdb.DuckDBPyConnection, contract: Contract, plans: list[tuple[Staged, str, int]]
) -> dict[str, int]:
    """Insert the good rows of every input; rows loaded per input label. The small tables are
    inserted sorted per input; events in arrival order."""
    if not plans:
        return {}
    kind = contract.kind.value
    names = [c.name for c in contract.columns]
    targets = ", ".join(q(c) for c in contract.table_columns)
    order = ", ".join(q(c) for c in contract.order_by)
    selects = []
    for staged, view, start in plans:
        seq = [f"{start} + {q(LINE)} AS {q(contract.seq_column)}"] if contract.seq_column else []
        columns = ", ".join(
            [*(q(n) for n in names[:-1]), *seq, q(names[-1]), f"{lit(staged.label)} AS source"]
        )
        selects.append(f"SELECT {columns} FROM {q(view)} WHERE _problem IS NULL")
    if not contract.seq_column:  # small tables: one insert per input gives its count
        return {
            staged.label: _scalar(
                con, f"INSERT INTO {q(kind)} ({targets}) {select} ORDER BY {order}"
            )
            for (staged, *_), select in zip(plans, selects, strict=True)
        }
    # events: appended in arrival order (the hot columns hold the sorted order)
    con.execute(f"INSERT INTO {q(kind)} ({targets}) {' UNION ALL '.join(selects)}")
    labels = ", ".join(lit(s.label) for s, *_ in plans)
    rows = con.execute(
        f"SELECT source, count(*) FROM {q(kind)} WHERE source IN ({labels}) "
        f"AND {q(contract.seq_column)} >= {plans[0][2]} GROUP BY source"
    ).fetchall()
    return {label: int(count) for label, count in rows}


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> int:
    row = con.execute(sql, params or []).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _scalar_list(con: duckdb.DuckDBPyConnection, sql: str, params: list[object]) -> list[str]:
    return [row[0] for row in con.execute(sql, params).fetchall()]
