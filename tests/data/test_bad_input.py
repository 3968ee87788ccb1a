"""Broken event files: an unclosed quote, deep JSON, damaged gzip. Nothing is lost silently."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from parcours.data import read_events
from parcours.data.text import MAX_RECORD_LINES
from parcours.errors import DataError

from .conftest import rows

HEADER = "customer_id,timestamp,event\n"


def good_rows(first: int, count: int) -> str:
    return "".join(f"c{i},2024-01-01 10:00,e{i}\n" for i in range(first, first + count))


def test_an_unclosed_quote_quarantines_its_line_and_reading_resumes(write) -> None:
    text = HEADER + good_rows(0, 1) + 'c1,2024-01-01 10:00,"oops\n' + good_rows(2, 99_998)
    log = read_events(write("e.csv", text))
    report = log.report
    assert (report.read, report.loaded, report.quarantined) == (100_000, 99_999, 1)
    ((line, raw, reason),) = rows(log.connection, "SELECT line, raw_value, reason FROM quarantine")
    assert (line, raw) == (3, 'c1,2024-01-01 10:00,"oops')
    assert reason == (
        f"a quoted field is still open after {MAX_RECORD_LINES:,} lines or 10,485,760 "
        "characters (an unclosed quote?); reading resumes on the next line"
    )
    assert rows(log.connection, "SELECT count(*), max(event_seq) - min(event_seq) FROM events") == [
        (99_999, 99_999)
    ]


def test_an_unclosed_quote_near_the_end_still_loses_no_line(write) -> None:
    text = HEADER + good_rows(0, 2) + 'c9,2024-01-01 10:00,"oops\n' + good_rows(3, 5)
    log = read_events(write("e.csv", text))
    assert (log.report.read, log.report.loaded, log.report.quarantined) == (8, 7, 1)
    ((line, reason),) = rows(log.connection, "SELECT line, reason FROM quarantine")
    assert line == 4
    assert reason == (
        "a row running over lines 4-9 has 3 fields (expected 3) or never closes its quote; "
        "reading resumes on the next line"
    )


def test_a_row_with_a_line_break_and_too_many_fields_gives_back_its_other_lines(write) -> None:
    text = HEADER + 'c1,2024-01-01 10:00,"a\nb",extra\n' + good_rows(2, 2)
    log = read_events(write("e.csv", text))
    assert (log.report.read, log.report.loaded, log.report.quarantined) == (4, 2, 2)
    assert rows(log.connection, "SELECT line, raw_value FROM quarantine ORDER BY line") == [
        (2, 'c1,2024-01-01 10:00,"a'),
        (3, 'b",extra'),
    ]


def test_an_unclosed_quote_in_the_header_is_a_located_error(write) -> None:
    with pytest.raises(DataError, match=r"e\.csv:1: the header line opens a quote"):
        read_events(write("e.csv", 'customer_id,"timestamp,event\n' + good_rows(0, 2000)))


def test_a_deeply_nested_json_line_is_quarantined_not_fatal(write) -> None:
    deep = '{"customer_id": "c", "timestamp": "2024-01-01", "event": "e", "p": '
    deep += "[" * 100_000 + "]" * 100_000 + "}"
    lines = [json.dumps({"customer_id": "c", "timestamp": "2024-01-01", "event": "a"}), deep]
    lines.append(json.dumps({"customer_id": "d", "timestamp": "2024-01-02", "event": "b"}))
    log = read_events(write("e.jsonl", "\n".join(lines) + "\n"))
    assert (log.report.read, log.report.loaded, log.report.quarantined) == (3, 2, 1)
    assert rows(log.connection, "SELECT line, reason FROM quarantine") == [
        (2, "JSON nested too deeply to read")
    ]


def damaged(tmp_path: Path, name: str, content: bytes, how: str) -> Path:
    data = bytearray(gzip.compress(content))
    if how == "truncated":
        data = data[: len(data) // 2]
    elif how == "crc":
        data[-8] ^= 0xFF
    else:
        data[len(data) // 2 : len(data) // 2 + 16] = b"\xff" * 16
    path = tmp_path / name
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("how", ["truncated", "crc", "garbage"])
@pytest.mark.parametrize("name", ["e.csv.gz", "e.jsonl.gz"])
def test_a_damaged_gzip_file_is_a_located_error(tmp_path: Path, how: str, name: str) -> None:
    if name.startswith("e.csv"):
        content = (HEADER + good_rows(0, 20_000)).encode()
    else:
        record = {"customer_id": "c", "timestamp": "2024-01-01", "event": "e"}
        content = "".join(json.dumps(record | {"n": i}) + "\n" for i in range(20_000)).encode()
    path = damaged(tmp_path, name, content, how)
    with pytest.raises(DataError) as caught:
        read_events(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:")
    assert "the gzip data is damaged after line" in message and "nothing was imported" in message
    if how == "truncated":  # the lines before the damage were read: the place is known
        assert int(message.split(":")[1]) > 1_000


def test_a_damaged_xes_gzip_is_a_clear_error(tmp_path: Path) -> None:
    events = "".join(
        f'<trace><string key="concept:name" value="c{i}"/><event>'
        f'<string key="concept:name" value="a"/>'
        f'<date key="time:timestamp" value="2024-01-01T00:00:00"/></event></trace>'
        for i in range(5_000)
    )
    path = damaged(tmp_path, "log.xes.gz", f"<log>{events}</log>".encode(), "truncated")
    with pytest.raises(DataError, match=r"log\.xes\.gz: the gzip data is damaged after event"):
        read_events(path)


def test_a_header_name_with_bad_bytes_is_kept_escaped(write) -> None:
    log = read_events(write("e.csv", HEADER.encode()[:-1] + b",caf\xe9\nc,2024-01-01,\xc3\xa9,1\n"))
    assert rows(log.connection, "SELECT properties FROM events") == [('{"caf\\\\xe9":"1"}',)]


def test_a_lone_surrogate_escape_in_json_is_quarantined(write) -> None:
    text = '{"customer_id": "c", "timestamp": "2024-01-01", "event": "a\\ud800"}\n'
    log = read_events(write("e.jsonl", text))
    assert (log.report.read, log.report.quarantined) == (1, 1)
    assert rows(log.connection, "SELECT line, reason FROM quarantine") == [
        (1, "a lone surrogate escape (\\ud800-\\udfff)")
    ]
