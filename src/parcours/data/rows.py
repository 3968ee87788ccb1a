"""What every reader hands to ingest: rows as text columns, in Arrow batches, plus rejects.

A reader yields batches with a ``_line`` column (1-based file line, or row number), one text
column per wanted source column, and ``_properties`` (the unmapped columns as a JSON object).
Rows it cannot even split into columns (bad encoding, invalid JSON, wrong field count) are
kept as :class:`Rejected` and end up in quarantine; nothing is dropped.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from parcours.errors import DataError

LINE, PROPS = "_line", "_properties"
BATCH_ROWS = 50_000

#: Names often used for a role, tried for the "did you mean" hint.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "customer_id": (
        "user_id",
        "client_id",
        "case_id",
        "case:concept:name",
        "customer",
        "user",
        "client",
        "visitor_id",
        "person_id",
        "distinct_id",
        "id_client",
    ),
    "timestamp": ("time", "ts", "date", "datetime", "time:timestamp", "event_time", "created_at"),
    "event": ("event_name", "action", "activity", "concept:name", "name", "event_type", "type"),
}


@dataclass(frozen=True)
class Rejected:
    """A row a reader could not split into columns."""

    line: int
    reason: str
    raw_value: str
    column: str | None = None


@dataclass(frozen=True)
class Wanted:
    """The source columns a reader must deliver: role -> source column."""

    roles: dict[str, str]
    required: tuple[str, ...]
    collect_properties: bool
    #: the roles the source's ``columns`` maps by name (the others default to their own name)
    mapped: tuple[str, ...] = ()

    @property
    def columns(self) -> list[str]:
        return list(dict.fromkeys(self.roles.values()))

    def check(self, label: str, found: list[str]) -> list[str]:
        """Raise DataError when a required column is absent from ``found``; else the warnings
        about the mapping: a mapped column the source lacks (its role stays empty), source
        columns that map to nothing and are not kept (when ``properties`` is mapped)."""
        for role in self.required:
            name = self.roles[role]
            if name not in found:
                raise DataError(_missing_message(label, role, name, found))
        warnings = []
        for role in self.mapped:
            column = self.roles.get(role)
            if column is not None and column not in found and role not in self.required:
                guess = _guess(role, column, found)
                hint = f"; did you mean {guess!r}?" if guess else f"; columns found: {found}"
                warnings.append(
                    f"{label}: column {column!r}, mapped to the {role} role, is not in the "
                    f"source: {role} stays empty{hint}"
                )
        dropped = [c for c in found if c not in self.roles.values()]
        if dropped and not self.collect_properties:
            warnings.append(
                f"{label}: columns {', '.join(map(repr, dropped))} map to no role and are not "
                "kept (the properties role is mapped to a column); map each one in columns = "
                "{ ... } or leave properties unmapped to keep them as properties"
            )
        return warnings


def _missing_message(label: str, role: str, name: str, found: list[str]) -> str:
    text = (
        f"{label}: required column {name!r} (the {role} role) is missing. "
        f"Columns found: {', '.join(found) or '(none)'}."
    )
    guess = _guess(role, name, found)
    if guess:
        text += (
            f" Did you mean {guess!r}? Map it with columns = {{ {role} = {json.dumps(guess)} }}."
        )
    else:
        text += f' Map the column that holds it with columns = {{ {role} = "..." }}.'
    return text


def _guess(role: str, name: str, found: list[str]) -> str | None:
    lowered = {f.lower().strip(): f for f in found}
    for candidate in (name, role, *SYNONYMS.get(role, ())):
        if candidate.lower() in lowered:
            return lowered[candidate.lower()]
    close = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[close[0]] if close else None


def to_text(value: Any) -> str | None:
    """A source value as text: JSON for nested values, ISO 8601 for times."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json_text(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def json_text(value: Any) -> str:
    """``value`` as compact JSON text (what a nested value or a properties object is stored as)."""
    return json.dumps(value, ensure_ascii=False, default=str, separators=(",", ":"))


@dataclass
class BatchBuilder:
    """Accumulates rows and emits Arrow batches of text columns."""

    columns: list[str]
    lines: list[int] = field(default_factory=list)
    values: list[list[str | None]] = field(default_factory=list)
    props: list[str | None] = field(default_factory=list)
    schema: pa.Schema = field(init=False)

    def __post_init__(self) -> None:
        self.values = [[] for _ in self.columns]
        self.schema = pa.schema(
            [(LINE, pa.int64()), *((c, pa.string()) for c in self.columns), (PROPS, pa.string())]
        )

    def add(self, line: int, row: list[str | None], props: dict[str, Any] | None) -> None:
        self.add_encoded(line, row, json_text(props) if props else None)

    def add_encoded(self, line: int, row: list[str | None], props: str | None) -> None:
        """Add a row whose properties are already JSON text."""
        self.lines.append(line)
        for target, value in zip(self.values, row, strict=True):
            target.append(value)
        self.props.append(props)

    def full(self) -> bool:
        return len(self.lines) >= BATCH_ROWS

    def flush(self) -> Iterator[pa.RecordBatch]:
        if self.lines:
            arrays = [pa.array(self.lines, pa.int64())]
            arrays += [pa.array(v, pa.string()) for v in self.values]
            arrays.append(pa.array(self.props, pa.string()))
            yield pa.RecordBatch.from_arrays(arrays, schema=self.schema)
        self.lines, self.props = [], []
        self.values = [[] for _ in self.columns]


class RowReader:
    """Base of the Python readers (text, XES, SQL): header first, then batches.

    After :meth:`open`, ``columns`` lists the delivered source columns. :meth:`batches` yields
    Arrow batches; afterwards ``rejected``, ``rows`` (rows seen, rejects included) and
    ``last_line`` are final. ``position`` / ``size`` report progress in bytes (or rows).
    """

    def __init__(self, label: str, wanted: Wanted) -> None:
        self.label = label
        self.wanted = wanted
        self.columns: list[str] = []
        self.rejected: list[Rejected] = []
        self.rows = 0
        self.last_line = 0
        self.position = 0
        self.size: int | None = None
        self.content_hash: str | None = None  # set by readers that hash what they read
        self.warnings: list[str] = []  # about the mapping (Wanted.check), set by open()

    def open(self) -> None:
        raise NotImplementedError

    def batches(self) -> Iterator[pa.RecordBatch]:
        raise NotImplementedError

    def close(self) -> None:
        """Release the input (default: nothing to release)."""

    def reject(self, line: int, reason: str, raw: str, column: str | None = None) -> None:
        self.rows += 1
        self.rejected.append(Rejected(line, reason, raw, column))

    def builder(self) -> BatchBuilder:
        return BatchBuilder(self.columns)
