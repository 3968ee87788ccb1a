"""Files that grow import only their new rows; a file changed in its imported part is reported
and nothing of it is imported twice."""

from __future__ import annotations

import gzip
from pathlib import Path

from parcours.data import create_workspace
from parcours.data.workspace import Workspace

HEADER = "customer_id,timestamp,event,channel\n"


def _query(ws: Workspace, sql: str) -> list[tuple[object, ...]]:
    with ws.connect(read_only=True) as con:
        return con.execute(sql).fetchall()


def _workspace(tmp_path: Path, name: str, text: str) -> tuple[Workspace, Path]:
    (tmp_path / "data").mkdir()
    path = tmp_path / "data" / name
    path.write_text(text)
    return create_workspace(tmp_path, sources={"events": {"path": "data"}}), path


def test_a_grown_csv_imports_only_its_new_rows(tmp_path: Path) -> None:
    ws, path = _workspace(
        tmp_path, "daily.csv", HEADER + "a,2024-01-01,view,web\nb,2024-01-01,view,app\n"
    )
    first = ws.ingest()
    assert first.loaded == 2
    with path.open("a") as handle:
        handle.write("a,2024-01-02,buy,web\nc,not a time,view,web\nc,2024-01-03,view,web\n")
    (grown,) = ws.ingest().files
    assert (grown.status, grown.read, grown.loaded, grown.quarantined) == ("imported", 3, 2, 1)
    assert "after line 3" in grown.message
    assert _query(ws, "SELECT count(*), count(DISTINCT event_seq) FROM events") == [(4, 4)]
    # event_seq continues past the first import; quarantine names the file's own line
    assert _query(
        ws, "SELECT customer_id, event FROM events WHERE event_seq > 3 ORDER BY event_seq"
    ) == [
        ("a", "buy"),
        ("c", "view"),
    ]
    assert _query(ws, "SELECT source, line FROM quarantine") == [(str(path), 5)]
    assert _query(ws, "SELECT bytes, last_line FROM imports ORDER BY import_id DESC LIMIT 1") == [
        (path.stat().st_size, 6)
    ]
    # unchanged since: nothing to do; grown again: only the last line
    assert [f.status for f in ws.ingest().files] == ["already imported"]
    with path.open("a") as handle:
        handle.write("d,2024-01-04,view,web\n")
    (again,) = ws.ingest().files
    assert (again.read, again.loaded) == (1, 1)
    assert _query(ws, "SELECT count(*) FROM events") == [(5,)]


def test_a_grown_jsonl_imports_only_its_new_lines(tmp_path: Path) -> None:
    line = '{"customer_id": "%s", "timestamp": "2024-01-01", "event": "view"}\n'
    ws, path = _workspace(tmp_path, "e.jsonl", line % "a")
    ws.ingest()
    with path.open("a") as handle:
        handle.write(line % "b" + "{broken\n")
    (grown,) = ws.ingest().files
    assert (grown.read, grown.loaded, grown.quarantined) == (2, 1, 1)
    assert _query(ws, "SELECT customer_id FROM events ORDER BY event_seq") == [("a",), ("b",)]
    assert _query(ws, "SELECT line FROM quarantine") == [(3,)]


def test_a_file_changed_in_its_imported_part_is_reported_not_imported(tmp_path: Path) -> None:
    rows = HEADER + "a,2024-01-01,view,web\nb,2024-01-01,view,app\n"
    ws, path = _workspace(tmp_path, "daily.csv", rows)
    ws.ingest()
    path.write_text(rows.replace("b,", "B,") + "c,2024-01-02,view,web\n")  # edited, and grown
    report = ws.ingest()
    (changed,) = report.files
    assert changed.status == "changed" and changed.loaded == 0
    assert f"first {len(rows)} bytes are no longer the content imported" in changed.message
    assert "put them in a new file" in changed.message and str(path) in changed.message
    assert "changed" in str(report)
    assert _query(ws, "SELECT count(*) FROM events") == [(2,)]
    assert _query(ws, "SELECT count(*) FROM imports") == [(1,)]
    # shrunk: reported too
    path.write_text(HEADER + "a,2024-01-01,view,web\n")
    assert [f.status for f in ws.ingest().files] == ["changed"]
    assert _query(ws, "SELECT count(*) FROM events") == [(2,)]


def test_growth_that_cannot_be_cut_at_a_line_is_reported(tmp_path: Path) -> None:
    ws, path = _workspace(tmp_path, "daily.csv", HEADER + "a,2024-01-01,view,web")  # no newline
    ws.ingest()
    with path.open("a") as handle:
        handle.write("\nb,2024-01-01,view,app\n")
    (changed,) = ws.ingest().files
    assert changed.status == "changed" and "did not end with a line break" in changed.message
    gz = tmp_path / "data" / "more.csv.gz"
    gz.write_bytes(gzip.compress((HEADER + "c,2024-01-01,view,web\n").encode()))
    ws.ingest()
    gz.write_bytes(gz.read_bytes() + gzip.compress(b"d,2024-01-02,view,web\n"))
    files = {Path(f.source).name: f for f in ws.ingest().files}
    assert files["more.csv.gz"].status == "changed"
    assert "compressed with gzip" in files["more.csv.gz"].message
    assert _query(ws, "SELECT count(*) FROM events") == [(2,)]
