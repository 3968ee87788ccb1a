"""The ingest report: per input, rows read, loaded and quarantined, reconciled exactly."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

import pandas as pd

#: "changed": a file imported before whose imported part is no longer the same; nothing of it is
#: imported (see the report's ``message``), so that no row is imported twice.
Status = Literal["imported", "already imported", "changed"]


@dataclass(frozen=True)
class FileReport:
    """What happened to one input (a file, or a database table or query)."""

    source_name: str
    kind: str
    source: str
    status: Status
    read: int = 0
    loaded: int = 0
    quarantined: int = 0
    import_id: int | None = None
    content_hash: str = ""
    message: str = ""  # what happened beyond the counts: rows after a line, why not imported
    #: what the mapping leaves out: mapped columns the input lacks, columns kept nowhere
    warnings: tuple[str, ...] = ()

    @property
    def reconciled(self) -> bool:
        """True when every row read was either loaded or quarantined."""
        return self.read == self.loaded + self.quarantined


@dataclass(frozen=True)
class IngestReport:
    """The result of an ingest: one :class:`FileReport` per input, plus where to look."""

    files: tuple[FileReport, ...]
    database: str = ":memory:"

    @property
    def read(self) -> int:
        return sum(f.read for f in self.files)

    @property
    def loaded(self) -> int:
        return sum(f.loaded for f in self.files)

    @property
    def quarantined(self) -> int:
        return sum(f.quarantined for f in self.files)

    @property
    def reconciled(self) -> bool:
        return all(f.reconciled for f in self.files)

    @property
    def import_ids(self) -> tuple[int, ...]:
        return tuple(sorted({f.import_id for f in self.files if f.import_id is not None}))

    def quarantine_query(self) -> str:
        """SQL that lists this ingest's quarantined rows."""
        ids = ", ".join(map(str, self.import_ids)) or "NULL"
        return f"SELECT * FROM quarantine WHERE import_id IN ({ids}) ORDER BY source, line"

    def to_dict(self) -> dict[str, Any]:
        return {
            "database": self.database,
            "read": self.read,
            "loaded": self.loaded,
            "quarantined": self.quarantined,
            "reconciled": self.reconciled,
            "quarantine_query": self.quarantine_query() if self.quarantined else None,
            "files": [asdict(f) | {"reconciled": f.reconciled} for f in self.files],
        }

    def to_frame(self) -> pd.DataFrame:
        columns = ["source_name", "kind", "source", "status", "read", "loaded", "quarantined"]
        return pd.DataFrame(
            [asdict(f) for f in self.files], columns=[*columns, "import_id", "content_hash"]
        )[columns]

    def summary(self) -> str:
        """One line: the totals and whether they reconcile."""
        check = "=" if self.reconciled else "≠"
        return (
            f"read {self.read:,} {check} loaded {self.loaded:,} + quarantined "
            f"{self.quarantined:,}" + ("" if self.reconciled else "  (NOT RECONCILED)")
        )

    def __str__(self) -> str:
        lines = [
            f"{f.source_name:<10} {f.source}: "
            + (
                f"{f.status}"
                if f.status != "imported"
                else f"read {f.read:,}, loaded {f.loaded:,}, quarantined {f.quarantined:,}"
            )
            + (f" ({f.message})" if f.message else "")
            + "".join(f"\n  warning: {w}" for w in f.warnings)
            for f in self.files
        ]
        lines.append(self.summary())
        if self.quarantined:
            lines.append(f"Quarantined rows: {self.quarantine_query()}  (in {self.database})")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        html: str = self.to_frame().to_html(index=False)
        return f"<p>{self.summary()}</p>{html}"
