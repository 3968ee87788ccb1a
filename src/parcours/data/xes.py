"""XES process-mining logs (IEEE 1849), plain or gzip, read as a stream.

Each ``<event>`` becomes one row: its attributes by key (``concept:name``, ``time:timestamp``,
...) plus its trace's attributes prefixed ``case:`` (``case:concept:name`` is the case id), the
flat form process-mining tools use. Rows are numbered by event, from 1.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from parcours.data.rows import RowReader, Wanted
from parcours.data.text import CorruptGzip, open_binary
from parcours.errors import DataError

#: Default source columns of the roles in an XES log.
XES_DEFAULTS: dict[str, str] = {
    "customer_id": "case:concept:name",
    "event": "concept:name",
    "timestamp": "time:timestamp",
}
_VALUES = {"string", "date", "int", "float", "boolean", "id"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attributes(element: ET.Element) -> dict[str, str]:
    return {
        child.get("key", ""): child.get("value", "")
        for child in element
        if _local(child.tag) in _VALUES and child.get("key")
    }


class XesReader(RowReader):
    """Streams events with ``iterparse``, clearing each trace once read."""

    def __init__(self, path: Path, wanted: Wanted) -> None:
        super().__init__(str(path), wanted)
        self.path = path
        self.size = path.stat().st_size

    def open(self) -> None:
        stream, self._raw = open_binary(self.path)
        self._events = self._iterate(stream)
        try:
            self._first: tuple[int, dict[str, Any]] | None = next(self._events, None)
        except ET.ParseError as exc:
            raise DataError(f"{self.label}: not a readable XES file: {exc}") from exc
        except CorruptGzip as exc:
            raise DataError(exc.message(self.label, 0)) from exc
        found = list(self._first[1]) if self._first else []
        self.warnings = self.wanted.check(self.label, found)
        self.columns = self.wanted.columns

    def _iterate(self, stream: Any) -> Iterator[tuple[int, dict[str, Any]]]:
        case: dict[str, str] = {}
        number = 0
        parents: list[ET.Element] = []
        for kind, element in ET.iterparse(stream, events=("start", "end")):
            tag = _local(element.tag)
            if kind == "start":
                parents.append(element)
                continue
            parents.pop()
            if tag == "event":
                number += 1
                yield number, {**_attributes(element), **case}
                element.clear()
            elif tag in _VALUES and parents and _local(parents[-1].tag) == "trace":
                case[f"case:{element.get('key', '')}"] = element.get("value", "")
            elif tag == "trace":
                case = {}
                element.clear()
                if parents:
                    parents[-1].clear()

    def batches(self) -> Iterator[pa.RecordBatch]:
        builder, columns = self.builder(), self.columns
        collect = self.wanted.collect_properties
        pending = [self._first] if self._first else []
        try:
            for number, attrs in pending:
                self._add(builder, number, attrs, columns, collect)
            for number, attrs in self._events:
                self._add(builder, number, attrs, columns, collect)
                if builder.full():
                    self.position = self._raw.tell()
                    yield from builder.flush()
        except ET.ParseError as exc:
            raise DataError(
                f"{self.label}: XES syntax error after event {self.last_line}: {exc}"
            ) from exc
        except CorruptGzip as exc:
            raise DataError(
                f"{self.label}: the gzip data is damaged after event {self.last_line} ({exc}); "
                "nothing was imported. Compress the file again from its source."
            ) from exc
        self.position = self.size or 0
        yield from builder.flush()

    def _add(
        self, builder: Any, number: int, attrs: dict[str, Any], columns: list[str], collect: bool
    ) -> None:
        self.rows += 1
        self.last_line = number
        row = [attrs.pop(c, None) for c in columns]
        builder.add(number, row, attrs if collect else None)

    def close(self) -> None:
        self._raw.close()
