"""Text readers: CSV/TSV (delimiter sniffed, encoding detected) and JSON Lines; gzip welcome.

Line numbers are 1-based file lines (the header is line 1), also across quoted multi-line
fields. A line that is not valid in the detected encoding, has the wrong number of fields or is
not a JSON object is rejected into quarantine with its raw text.

No line is lost to an unclosed quote: a quoted field still open after :data:`MAX_RECORD_LINES`
lines or :data:`MAX_RECORD_CHARS` characters, and a row spanning several lines that does not
have the header's number of fields, quarantine their first line only, and reading resumes on the
next line. Gzip data that cannot be decompressed is an error that names the last line read.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import re
import sys
import zlib
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pyarrow as pa

from parcours.data.rows import RowReader, Wanted, json_text, to_text
from parcours.errors import DataError

SAMPLE_BYTES = 1 << 20
DELIMITERS = ",;\t|"
#: Physical lines and characters one CSV row may span (a quoted field with line breaks).
MAX_RECORD_LINES = 1_000
MAX_RECORD_CHARS = 10 << 20
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


class CorruptGzip(Exception):
    """Gzip data that cannot be decompressed; readers turn it into a located DataError."""

    def message(self, label: str, line: int) -> str:
        return (
            f"{label}:{line + 1}: the gzip data is damaged after line {line} ({self}); "
            "nothing was imported. Compress the file again from its source (gzip -t checks it)."
        )


class _Gunzip(io.RawIOBase):
    """A gzip stream whose decompression errors are :class:`CorruptGzip`."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._gzip = gzip.GzipFile(fileobj=raw)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            data = self._gzip.read(len(buffer))
        except (OSError, EOFError, zlib.error) as exc:
            raise CorruptGzip(str(exc) or type(exc).__name__) from exc
        buffer[: len(data)] = data
        return len(data)


def open_binary(path: Path) -> tuple[IO[bytes], IO[bytes]]:
    """The file's content stream (gunzipped when gzip) and the raw handle (for progress)."""
    raw = path.open("rb")
    if raw.read(2) == b"\x1f\x8b":
        raw.seek(0)
        return io.BufferedReader(_Gunzip(raw)), raw
    raw.seek(0)
    return raw, raw


def detect_encoding(sample: bytes) -> str:
    """Guess the encoding from the first bytes of a file.

    A byte-order mark wins. Text that decodes as UTF-8 is UTF-8; text with both valid UTF-8
    sequences and invalid bytes is damaged UTF-8 (the bad lines go to quarantine); otherwise it
    is a legacy single-byte encoding: Windows-1252 when that decodes, else Latin-1.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3 and len(sample) >= SAMPLE_BYTES:
            return "utf-8"  # the sample cut a character in two
        if _UTF8_MULTIBYTE.search(sample):
            return "utf-8"
    try:
        sample.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def sniff_delimiter(sample: str) -> str:
    """The candidate delimiter that splits the first lines into the most, equal, fields."""
    lines = sample.splitlines()[:50] or [""]
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter) if row]
        if not counts or counts[0] < 2:
            continue
        score = (sum(c == counts[0] for c in counts), counts[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _bad_text(text: str) -> bool:
    """True when ``text`` holds bytes that were not valid in the file's encoding."""
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
        return False
    except UnicodeEncodeError:
        return True


def _escaped(text: str) -> str:
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


class TextReader(RowReader):
    """Shared part of CSV and JSON Lines: open, detect the encoding, track progress."""

    def __init__(self, path: Path, wanted: Wanted, *, encoding: str | None = None) -> None:
        super().__init__(str(path), wanted)
        self.path = path
        self.size = path.stat().st_size
        self.encoding = encoding
        self._raw: IO[bytes] | None = None
        self.sample = ""

    def _text(self) -> IO[str]:
        stream, self._raw = open_binary(self.path)
        chunks: list[bytes] = []  # read in parts, so that damage is placed after a line
        try:
            while (size := sum(map(len, chunks))) < SAMPLE_BYTES:
                chunk = stream.read(min(1 << 16, SAMPLE_BYTES - size))
                if not chunk:
                    break
                chunks.append(chunk)
        except CorruptGzip as exc:
            raise DataError(exc.message(self.label, b"".join(chunks).count(b"\n"))) from exc
        peek = b"".join(chunks)
        self.encoding = self.encoding or detect_encoding(peek)
        self.sample = peek.decode(self.encoding, errors="replace")
        replay = io.BufferedReader(_Prefixed(peek, stream))
        return io.TextIOWrapper(
            replay, encoding=self.encoding, errors="surrogateescape", newline=""
        )

    def _progress(self) -> None:
        if self._raw is not None and not self._raw.closed:
            self.position = self._raw.tell()

    def close(self) -> None:
        if self._raw is not None:
            self._raw.close()


class _Prefixed(io.RawIOBase):
    """A stream that replays the bytes already read for detection, then reads on."""

    def __init__(self, prefix: bytes, rest: IO[bytes]) -> None:
        self._prefix, self._rest = prefix, rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._prefix:
            n = min(len(buffer), len(self._prefix))
            buffer[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class _Runaway(Exception):
    """The current CSV row spans more lines or characters than a row may."""


class _Lines:
    """The physical lines of a CSV file, numbered, fed to :func:`csv.reader`.

    The lines of the row being read are kept, so that a row that runs away (an unclosed quote)
    can be given back: its first line is quarantined and the others are read again."""

    def __init__(self, file: IO[str]) -> None:
        self._file = file
        self._replay: deque[tuple[int, str]] = deque()
        self._chars = 0
        self.at_end = False  # the end of the file was reached while reading the current row
        self.read = 0  # physical lines read from the file
        self.row: list[tuple[int, str]] = []  # (line number, text) of the row being read

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self._replay:
            number, text = self._replay.popleft()
        else:
            try:
                text = next(self._file)
            except StopIteration:
                self.at_end = True
                raise
            self.read += 1
            number = self.read
        self.row.append((number, text))
        self._chars += len(text)
        if len(self.row) > MAX_RECORD_LINES or self._chars > MAX_RECORD_CHARS:
            raise _Runaway
        return text

    def start(self) -> None:
        """A new row begins."""
        self.row, self._chars, self.at_end = [], 0, False

    def unclosed(self) -> bool:
        """True when the row just read runs over several lines to the end of the file, its
        quote never closed (a closed row ending with a line break needs no more input)."""
        return len(self.row) > 1 and self.at_end and self.row[-1][1].endswith(("\n", "\r"))

    def give_back(self) -> tuple[int, str]:
        """The current row's first line; its other lines will be read again."""
        first, rest = self.row[0], self.row[1:]
        self._replay.extendleft(reversed(rest))
        self.start()
        return first[0], first[1].rstrip("\r\n")


class CsvReader(TextReader):
    """CSV/TSV with a header line; delimiter sniffed unless given."""

    def __init__(
        self,
        path: Path,
        wanted: Wanted,
        *,
        encoding: str | None = None,
        delimiter: str | None = None,
    ) -> None:
        super().__init__(path, wanted, encoding=encoding)
        self.delimiter = delimiter

    def open(self) -> None:
        csv.field_size_limit(sys.maxsize)  # rows are bounded by MAX_RECORD_CHARS instead
        self._file = self._text()
        self.delimiter = self.delimiter or sniff_delimiter(self.sample[: 1 << 16])
        self._lines = _Lines(self._file)
        self._reader = csv.reader(self._lines, delimiter=self.delimiter)
        try:
            header = next(self._reader, None)
        except (_Runaway, csv.Error) as exc:
            raise DataError(
                f"{self.label}:1: the header line opens a quote it does not close "
                f"({exc or 'still open after ' + str(MAX_RECORD_LINES) + ' lines'}); "
                "fix the header line."
            ) from exc
        except CorruptGzip as exc:
            raise DataError(exc.message(self.label, self._lines.read)) from exc
        if header is None:
            raise DataError(f"{self.label}: the file is empty; a header line is expected.")
        # a name with bytes not valid in the encoding is kept escaped (caf\xe9)
        self.header = _unique([_escaped(h.strip().lstrip("\ufeff")) for h in header])
        self.warnings = self.wanted.check(self.label, self.header)
        self.columns = [c for c in self.wanted.columns if c in self.header]
        index = {name: i for i, name in enumerate(self.header)}
        self._take = [index[c] for c in self.columns]
        taken = set(self._take)
        self._rest = [(i, h) for i, h in enumerate(self.header) if i not in taken]
        self.last_line = self._lines.read

    def batches(self) -> Iterator[pa.RecordBatch]:
        builder, width, take, rest = self.builder(), len(self.header), self._take, self._rest
        delimiter = self.delimiter or ","
        collect = self.wanted.collect_properties and rest
        lines = self._lines
        while True:
            lines.start()
            try:
                row = next(self._reader)
            except StopIteration:
                break
            except (_Runaway, csv.Error) as exc:
                line, text = lines.give_back()
                reason = str(exc) or (
                    f"a quoted field is still open after {MAX_RECORD_LINES:,} lines or "
                    f"{MAX_RECORD_CHARS:,} characters (an unclosed quote?)"
                )
                self.reject(line, f"{reason}; reading resumes on the next line", _escaped(text))
                continue
            except CorruptGzip as exc:
                raise DataError(exc.message(self.label, lines.read)) from exc
            if not row:
                continue
            line = lines.row[0][0]
            if (len(row) != width and len(lines.row) > 1) or lines.unclosed():
                end = lines.row[-1][0]
                line, text = lines.give_back()
                self.reject(
                    line,
                    f"a row running over lines {line}-{end} has {len(row)} fields (expected "
                    f"{width}) or never closes its quote; reading resumes on the next line",
                    _escaped(text),
                )
            elif len(row) != width:
                self.reject(
                    line,
                    f"expected {width} fields, found {len(row)}",
                    _escaped(delimiter.join(row)),
                )
            elif _bad_text("".join(row)):
                column = next(self.header[i] for i, v in enumerate(row) if _bad_text(v))
                self.reject(
                    line,
                    f"bad encoding: not valid {self.encoding}",
                    _escaped(delimiter.join(row)),
                    column,
                )
            else:
                self.rows += 1
                props = {h: (row[i] or None) for i, h in rest} if collect else None
                builder.add(line, [row[i] for i in take], props)
                if builder.full():
                    self._progress()
                    yield from builder.flush()
        self.last_line = lines.read
        self._progress()
        yield from builder.flush()


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, name in enumerate(names, 1):
        name = name or f"column_{i}"
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return out


class JsonLinesReader(TextReader):
    """One JSON object per line; keys are columns, nested values become JSON text."""

    PEEK = 100

    def open(self) -> None:
        self._file = self._text()
        head: list[dict[str, Any]] = []
        for text in self.sample.splitlines()[: self.PEEK]:
            try:
                value = json.loads(text) if text.strip() else None
            except (ValueError, RecursionError):
                value = None
            if isinstance(value, dict):
                head.append(value)
        found = list(dict.fromkeys(k for obj in head for k in obj))
        self.warnings = self.wanted.check(self.label, found)
        self.columns = self.wanted.columns

    def batches(self) -> Iterator[pa.RecordBatch]:
        builder, columns = self.builder(), self.columns
        collect = self.wanted.collect_properties
        line = 0
        lines = enumerate(self._file, 1)
        while True:
            try:
                line, text = next(lines)
            except StopIteration:
                break
            except CorruptGzip as exc:
                raise DataError(exc.message(self.label, line)) from exc
            if not text.strip():
                continue
            if _bad_text(text):
                self.reject(
                    line, f"bad encoding: not valid {self.encoding}", _escaped(text.strip())
                )
                continue
            try:
                obj = json.loads(text)
                row = [to_text(obj.pop(c, None)) for c in columns] if isinstance(obj, dict) else []
                props = json_text(obj) if isinstance(obj, dict) and collect and obj else None
            except ValueError as exc:
                self.reject(line, f"invalid JSON: {exc}", text.strip())
                continue
            except RecursionError:
                self.reject(line, "JSON nested too deeply to read", text.strip())
                continue
            if not isinstance(obj, dict):
                self.reject(line, "not a JSON object", text.strip())
                continue
            if _bad_text("".join(v for v in row if v) + (props or "")):
                self.reject(
                    line, "a lone surrogate escape (\\ud800-\\udfff)", _escaped(text.strip())
                )
                continue
            self.rows += 1
            builder.add_encoded(line, row, props)
            if builder.full():
                self._progress()
                yield from builder.flush()
        self.last_line = line
        self._progress()
        yield from builder.flush()
