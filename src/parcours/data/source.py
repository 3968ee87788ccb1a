"""A declared source: where its rows are, in which format, and how its columns map.

The same object is a ``[sources.NAME]`` table of ``parcours.toml`` and the options of
:func:`parcours.data.read_events`. ``path`` may be a file, a glob (``data/events-*.csv``) or a
folder (every readable file in it, sorted); ``url`` names a database, read by ``table`` or
``query``. The format follows from the suffix unless given.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from parcours.data.mapping import ColumnMapping
from parcours.data.schema import Kind
from parcours.data.sql import is_url, safe_url
from parcours.errors import DataError

Format = Literal["csv", "tsv", "parquet", "jsonl", "xes", "sql"]
SUFFIXES: dict[str, Format] = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".xes": "xes",
}


class SourceConfig(BaseModel):
    """Where one source's rows are and how to read them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Kind | None = None
    path: str | None = None
    url: str | None = None
    table: str | None = None
    query: str | None = None
    format: Format | None = None
    columns: dict[str, str] = Field(default_factory=dict)
    timezone: str = "UTC"
    timestamp_format: str | list[str] | None = None
    delimiter: str | None = None
    encoding: str | None = None

    @model_validator(mode="after")
    def _one_location(self) -> SourceConfig:
        if (self.path is None) == (self.url is None):
            raise ValueError(
                "give exactly one of path (a file, glob or folder) or url (a database)"
            )
        if self.url is not None and (self.table is None) == (self.query is None):
            raise ValueError("a database source needs exactly one of table or query")
        return self

    @property
    def mapping(self) -> ColumnMapping:
        return ColumnMapping(
            columns=self.columns, timestamp_format=self.timestamp_format, timezone=self.timezone
        )

    def kind_for(self, name: str) -> Kind:
        """The declared kind, else the one the source's name spells."""
        if self.kind is not None:
            return self.kind
        try:
            return Kind(name)
        except ValueError:
            raise DataError(
                f"source {name!r}: say what it holds with kind = one of "
                f"{', '.join(k.value for k in Kind)}."
            ) from None

    def locations(self, root: Path) -> list[str]:
        """The files (sorted) or the database URL this source reads."""
        if self.url is not None:
            return [self.url]
        assert self.path is not None
        if is_url(self.path):
            return [self.path]
        path = Path(self.path).expanduser()
        path = path if path.is_absolute() else root / path
        if any(ch in self.path for ch in "*?["):
            anchor = Path(path.anchor)
            found = sorted(anchor.glob(str(path.relative_to(anchor))))
        elif path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and _suffix(p) in SUFFIXES)
        else:
            found = [path] if path.exists() else []
        if not found:
            raise DataError(f"{path}: no such file. Check the source's path (globs allowed).")
        return [str(p) for p in found if p.is_file()]

    def format_of(self, location: str) -> Format:
        """The format given, else the one the location's suffix names."""
        if self.format is not None:
            return self.format
        if is_url(location):
            return "sql"
        suffix = _suffix(Path(location))
        if suffix not in SUFFIXES:
            raise DataError(
                f"{safe_url(location)}: cannot tell the format from the suffix {suffix!r}; "
                f"set format = one of csv, tsv, parquet, jsonl, xes, sql."
            )
        return SUFFIXES[suffix]


def _suffix(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return suffixes[-1] if suffixes else ""
