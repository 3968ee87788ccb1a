"""Fuzzing the CSV and JSON Lines event readers with damaged files: every row read is delivered
or rejected (read = loaded + quarantined), or the file is refused with an error naming it."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.mutations import as_bytes, batches, mutated

from parcours.data import ColumnMapping, read_events
from parcours.data.mapping import EPOCH_FORMATS
from parcours.data.rows import LINE, RowReader
from parcours.data.schema import EVENTS
from parcours.data.staging import wanted_for
from parcours.data.text import CsvReader, JsonLinesReader
from parcours.errors import DataError

CSV_SEED = (
    "customer_id,timestamp,event,channel,amount\n"
    "c1,2024-01-01 10:00,visit,web,1.5\n"
    'c1,2024-01-01T10:05:00+02:00,"pay, now",app,"2"\n'
    'c2,1700000000,"two\nlines",,\n'
    "c3,infinity,x,web,-1\n"
)
JSONL_SEED = "".join(
    json.dumps(record, ensure_ascii=False) + "\n"
    for record in (
        {"customer_id": "c1", "timestamp": "2024-01-01 10:00", "event": "visit", "p": {"k": [1]}},
        {"customer_id": "c2", "timestamp": "2024-01-01T10:00:00Z", "event": "é", "channel": None},
        {"customer_id": 3, "timestamp": 1700000000, "event": True},
    )
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def check_reader(reader: RowReader, path: Path, first: int) -> None:
    """``first``: the first line a row can be on (2 under a header)."""
    try:
        reader.open()
        batches = list(reader.batches())
    except DataError as error:
        assert str(error).startswith(str(path))
        return
    finally:
        reader.close()
    delivered = [line for batch in batches for line in batch.column(LINE).to_pylist()]
    rejected = [r.line for r in reader.rejected]
    assert reader.rows == len(delivered) + len(rejected)
    lines = delivered + rejected
    assert len(set(lines)) == len(lines)  # one row per first line
    assert all(first <= line <= reader.last_line for line in lines)


@settings(max_examples=1250, deadline=None)
@given(batches(st.tuples(as_bytes(mutated(st.just(CSV_SEED))), st.booleans())))
def test_damaged_csv_rows_are_all_accounted_for(
    folder: Path, files: list[tuple[bytes, bool]]
) -> None:
    for raw, gz in files:
        path = folder / ("e.csv.gz" if gz else "e.csv")
        path.write_bytes(gzip.compress(raw)[: None if len(raw) % 3 else -5] if gz else raw)
        check_reader(CsvReader(path, wanted_for(EVENTS, ColumnMapping(), "csv")), path, 2)


@settings(max_examples=625, deadline=None)
@given(batches(as_bytes(mutated(st.just(JSONL_SEED)))))
def test_damaged_json_lines_are_all_accounted_for(folder: Path, raws: list[bytes]) -> None:
    path = folder / "e.jsonl"
    for raw in raws:
        path.write_bytes(raw)
        check_reader(JsonLinesReader(path, wanted_for(EVENTS, ColumnMapping(), "jsonl")), path, 1)


@settings(max_examples=100, deadline=None)
@given(
    as_bytes(mutated(st.sampled_from([CSV_SEED, JSONL_SEED]))),
    st.sampled_from([None, *EPOCH_FORMATS]),
)
def test_damaged_files_reconcile_through_the_whole_ingest(
    folder: Path, raw: bytes, epoch: str | None
) -> None:
    path = folder / ("e.jsonl" if raw.lstrip().startswith(b"{") else "e.csv")
    path.write_bytes(raw)
    try:
        log = read_events(path, ColumnMapping(timestamp_format=epoch))
    except DataError as error:
        assert str(error).startswith(str(path))
        return
    report = log.report
    assert report.reconciled and report.read == report.loaded + report.quarantined
    log.connection.close()
