"""Read a feedback file (CSV, JSONL, JSON, Parquet) in chunks of rows, in constant memory.

A CSV's delimiter is read from its header: ``csv.Sniffer`` restricted to ``, ; tab |``, kept
only when it splits the header; else the delimiter that splits the header into the most
columns; else the file has one column and each line is one value (commas and semicolons in
the text stay in it). Every cell is read as text (ids like ``007`` keep their zeros).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from parcours.errors import VoiceError

__all__ = ["FeedbackFile", "csv_delimiter"]

DELIMITERS = ",;\t|"
#: The delimiter of a one-column CSV: a control character that text files do not hold.
_NONE = "\x1f"
_SAMPLE = 64 * 1024


def csv_delimiter(sample: str) -> str:
    """The delimiter of CSV text starting with ``sample`` (see the module's docstring)."""
    header = sample.splitlines()[0] if sample.strip() else ""

    def columns(delimiter: str) -> int:
        try:
            return len(next(csv.reader([header], delimiter=delimiter)))
        except (csv.Error, StopIteration):
            return 0

    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = ""
    if sniffed and columns(sniffed) > 1:
        return sniffed
    best = max(DELIMITERS, key=columns)
    return best if columns(best) > 1 else _NONE


@dataclass(frozen=True)
class FeedbackFile:
    """A feedback file; :meth:`chunks` yields its rows ``rows`` at a time."""

    path: Path

    @property
    def kind(self) -> str:
        suffix = self.path.suffix.lower()
        if suffix in (".jsonl", ".ndjson"):
            return "jsonl"
        return {".json": "json", ".parquet": "parquet"}.get(suffix, "csv")

    def columns(self) -> list[str]:
        """The column names, read from the head of the file."""
        for chunk in self.chunks(8):
            return [str(c) for c in chunk.columns]
        return []

    def count_rows(self) -> int | None:
        """The number of rows (lines for CSV, whose quoted values may span lines: an upper
        bound), read without parsing; None when it cannot be known cheaply (JSON)."""
        if self.kind == "parquet":
            return int(self._parquet().metadata.num_rows)
        if self.kind == "json":
            return None
        lines = 0
        last = b"\n"
        with self.path.open("rb") as handle:
            while block := handle.read(1 << 20):
                lines += block.count(b"\n")
                last = block[-1:]
        lines += last != b"\n"
        return max(0, lines - (self.kind == "csv"))

    def chunks(self, rows: int) -> Iterator[pd.DataFrame]:
        """The rows of the file as text columns, ``rows`` at a time."""
        try:
            yield from self._chunks(rows)
        except (OSError, ValueError, UnicodeDecodeError, csv.Error, json.JSONDecodeError) as exc:
            raise VoiceError(
                f"Cannot read {self.path}: {exc}. Give a CSV (UTF-8), JSONL or Parquet file."
            ) from exc

    def _chunks(self, rows: int) -> Iterator[pd.DataFrame]:
        if self.kind == "parquet":
            for batch in self._parquet().iter_batches(batch_size=rows):
                yield batch.to_pandas()
        elif self.kind == "json":
            frame = pd.read_json(self.path, dtype=False)
            for start in range(0, len(frame), rows):
                yield frame.iloc[start : start + rows]
        elif self.kind == "jsonl":
            with pd.read_json(self.path, lines=True, dtype=False, chunksize=rows) as reader:
                yield from reader
        else:
            yield from self._csv_chunks(rows)

    def _csv_chunks(self, rows: int) -> Iterator[pd.DataFrame]:
        with self.path.open(encoding="utf-8-sig", newline="") as handle:
            delimiter = csv_delimiter(handle.read(_SAMPLE))
        options: dict[str, Any] = {
            "sep": delimiter,
            "dtype": str,
            "keep_default_na": False,
            "chunksize": rows,
            "encoding": "utf-8-sig",
        }
        if delimiter == _NONE:
            options["quoting"] = csv.QUOTE_MINIMAL
        with pd.read_csv(self.path, **options) as reader:
            yield from reader

    def _parquet(self) -> Any:
        import pyarrow.parquet as pq

        try:
            return pq.ParquetFile(self.path)
        except Exception as exc:  # pyarrow raises its own error types
            raise VoiceError(f"Cannot read {self.path}: {exc}. Give a Parquet file.") from exc
