"""Import a source into DuckDB: validate, quarantine, load sorted, all in one transaction.

:func:`import_source` reads every input of one declared source. Inputs whose content hash is
already in ``imports`` (for the same kind) are skipped. The rest are staged, validated in SQL,
their good rows loaded and their bad rows written to ``quarantine`` (an input is read a second
time for that only when some of its rows were not loaded); ``read = loaded + quarantined`` is
checked per input, and the whole source commits or rolls back as one. Events
get ``event_seq`` = the import's sequence start + the row's line, and stay sorted by
(customer_id, timestamp, event_seq): appended in order to an empty table, rebuilt sorted when
rows were already there.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from parcours.data.report import FileReport
from parcours.data.rows import LINE
from parcours.data.schema import CONTRACTS, IMPORTS_DDL, QUARANTINE_DDL, Contract
from parcours.data.source import SourceConfig
from parcours.data.stage import Advance, Staged, defaults_for, file_hash, stage, wanted_for
from parcours.data.validate import lit, q, validated_sql
from parcours.errors import DataError

#: Called when an input starts: (label) -> an Advance callback for its progress.
OnInput = Callable[[str], Advance]
_names = itertools.count()


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the contract tables, ``quarantine`` and ``imports`` when missing."""
    for contract in CONTRACTS.values():
        con.execute(contract.ddl())
    con.execute(QUARANTINE_DDL)
    con.execute(IMPORTS_DDL)


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
    skipped: list[FileReport] = []
    todo: list[tuple[str, str | None]] = []
    for location in config.locations(Path(root)):
        fmt = config.format_of(location)
        digest = None if fmt == "sql" else file_hash(location)
        if digest in seen:
            skipped.append(FileReport(name, kind.value, location, "already imported"))
        else:
            todo.append((location, digest))
            if digest:
                seen.add(digest)
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


def _import(
    con: duckdb.DuckDBPyConnection,
    name: str,
    config: SourceConfig,
    contract: Contract,
    todo: list[tuple[str, str | None]],
    seen: set[str],
    on_input: OnInput | None,
) -> list[FileReport]:
    kind = contract.kind.value
    import_id = _scalar(con, "SELECT coalesce(max(import_id), 0) + 1 FROM imports")
    seq = _scalar(con, "SELECT coalesce(max(seq_end), 0) FROM imports WHERE kind = ?", [kind])
    had_rows = _scalar(con, f"SELECT count(*) FROM (SELECT 1 FROM {q(kind)} LIMIT 1)") > 0
    mapping = config.mapping
    plans: list[tuple[Staged, str, int]] = []  # staged, validated view, seq start
    reports: list[FileReport] = []
    for location, digest in todo:
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
        plans.append((staged, view, seq))
        seq += staged.last_line + 1
    loaded = _load(con, contract, plans)
    for staged, view, start in plans:
        # the rows not loaded are the bad ones: a clean input is not read a second time
        missing = staged.read - loaded.get(staged.label, 0) - len(staged.rejected)
        quarantined = _quarantine(con, import_id, kind, staged, view, scan=missing > 0)
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
        )
        if not report.reconciled:
            raise DataError(
                f"{staged.label}: read {report.read} rows but loaded {report.loaded} and "
                f"quarantined {report.quarantined}; nothing was imported. Please report this."
            )
        con.execute(
            "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            ],
        )
        reports.append(report)
    if had_rows and contract.seq_column and plans:
        _resort(con, contract)
    for staged, view, _start in plans:
        con.execute(f"DROP VIEW IF EXISTS {q(view)}")
        con.execute(f"DROP {'VIEW' if staged.is_view else 'TABLE'} {q(staged.relation)}")
    return reports


def _quarantine(
    con: duckdb.DuckDBPyConnection,
    import_id: int,
    kind: str,
    staged: Staged,
    view: str,
    *,
    scan: bool,
) -> int:
    """Quarantine the input's rejected rows and, with ``scan``, the rows that failed validation;
    how many rows were quarantined."""
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
    """Insert the good rows of every input; rows loaded per input label."""
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
    con.execute(
        f"INSERT INTO {q(kind)} ({targets}) SELECT * FROM ({' UNION ALL '.join(selects)}) "
        f"ORDER BY {order}"
    )
    labels = ", ".join(lit(s.label) for s, *_ in plans)
    rows = con.execute(
        f"SELECT source, count(*) FROM {q(kind)} WHERE source IN ({labels}) "
        f"AND {q(contract.seq_column)} >= {plans[0][2]} GROUP BY source"
    ).fetchall()
    return {label: int(count) for label, count in rows}


def _resort(con: duckdb.DuckDBPyConnection, contract: Contract) -> None:
    """Rebuild the table sorted, inside the current transaction."""
    kind = contract.kind.value
    order = ", ".join(q(c) for c in contract.order_by)
    con.execute(contract.ddl(f"{kind}__sorted"))
    con.execute(f"INSERT INTO {q(kind + '__sorted')} SELECT * FROM {q(kind)} ORDER BY {order}")
    con.execute(f"DROP TABLE {q(kind)}")
    con.execute(f"ALTER TABLE {q(kind + '__sorted')} RENAME TO {q(kind)}")


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> int:
    row = con.execute(sql, params or []).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _scalar_list(con: duckdb.DuckDBPyConnection, sql: str, params: list[object]) -> list[str]:
    return [row[0] for row in con.execute(sql, params).fetchall()]
