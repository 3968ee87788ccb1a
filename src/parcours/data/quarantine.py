"""The rows an ingest could not use, read back: which source and file, which line and column,
the raw value and the reason (``parcours quarantine``).

::

    found = read_quarantine(workspace, source="events", limit=20)
    found.total                 # every quarantined row of that source
    for row in found.rows:      # the first 20, by file and line
        print(row.file, row.line, row.column, row.reason)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from parcours.errors import DataError

if TYPE_CHECKING:
    import pandas as pd

#: The columns of a quarantined row, in the order every output shows them.
COLUMNS = ("source_name", "kind", "file", "line", "column", "raw_value", "reason", "import_id")


@dataclass(frozen=True)
class QuarantinedRow:
    """One row that was not loaded. ``line`` is the 1-based file line for CSV/TSV and JSON
    Lines, the 1-based row number for Parquet, XES and SQL sources; ``column`` is None when the
    whole row was unreadable."""

    source_name: str
    kind: str
    file: str
    line: int | None
    column: str | None
    raw_value: str | None
    reason: str
    import_id: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Quarantine:
    """Quarantined rows of a workspace: ``rows`` (at most the limit asked, by source, file and
    line) out of ``total`` matching rows; ``by_source`` counts them per declared source."""

    rows: tuple[QuarantinedRow, ...]
    total: int
    by_source: Mapping[str, int]
    database: str

    @property
    def truncated(self) -> bool:
        return len(self.rows) < self.total

    def to_dict(self) -> dict[str, Any]:
        return {
            "database": self.database,
            "total": self.total,
            "shown": len(self.rows),
            "by_source": dict(self.by_source),
            "rows": [row.to_dict() for row in self.rows],
        }

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame([row.to_dict() for row in self.rows], columns=list(COLUMNS))

    def _repr_html_(self) -> str:
        html: str = self.to_frame().to_html(index=False)
        return f"<p>{self.total:,} quarantined row(s)</p>{html}"


def read_quarantine(
    database: Path,
    declared: Mapping[str, object],
    *,
    source: str | None = None,
    limit: int | None = None,
    where: str = "parcours.toml",
) -> Quarantine:
    """The quarantined rows in the workspace database ``database`` (all sources, or the
    declared source ``source``), at most ``limit`` of them. A database not created yet holds
    none; it is not created. ``declared`` are the workspace's sources, named in the error for
    an unknown ``source``; ``where`` is the file that declares them."""
    if source is not None and source not in declared:
        raise DataError(
            f"{where}: no source named {source!r}; "
            f"declared: {', '.join(declared) or '(none: add a [sources.events] table)'}."
        )
    if limit is not None and limit < 0:
        raise DataError(f"limit {limit}: give 0 or more rows to show.")
    if not database.is_file():
        return Quarantine((), 0, {}, str(database))
    try:
        con = duckdb.connect(str(database), read_only=True)
    except duckdb.Error as exc:
        raise DataError(f"{database}: cannot open the workspace database: {exc}") from exc
    with con:
        tables = {
            row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        }
        if not {"quarantine", "imports"} <= tables:
            return Quarantine((), 0, {}, str(database))
        joined = (
            "FROM quarantine q JOIN imports i ON q.import_id = i.import_id AND q.source = i.source"
            + (" WHERE i.source_name = $source" if source is not None else "")
        )
        params = {"source": source} if source is not None else {}
        counts = con.execute(
            f"SELECT i.source_name, count(*) {joined} GROUP BY 1 ORDER BY 1", params
        ).fetchall()
        rows = con.execute(
            'SELECT i.source_name, q.kind, q.source, q.line, q."column", q.raw_value, q.reason, '
            f"q.import_id {joined} ORDER BY i.source_name, q.import_id, q.source, q.line "
            + ("LIMIT $limit" if limit is not None else ""),
            params | ({"limit": limit} if limit is not None else {}),
        ).fetchall()
    by_source = {name: int(n) for name, n in counts}
    return Quarantine(
        tuple(QuarantinedRow(*row) for row in rows),
        sum(by_source.values()),
        by_source,
        str(database),
    )
