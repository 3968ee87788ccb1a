"""The quarantine page: each rejected row of an import with its file, line, column and reason,
escaped, and its JSON twin."""

from __future__ import annotations

from pathlib import Path

from parcours.data.workspace import create_workspace
from parcours.settings import Settings
from parcours.store import open_store

from .conftest import client_for


def test_rejected_rows_with_their_line_and_reason(tmp_path: Path) -> None:
    workspace = create_workspace(tmp_path / "shop", sources={"events": {"path": "events.csv"}})
    (tmp_path / "shop" / "events.csv").write_text(
        "customer_id,timestamp,event\n"
        "c1,2026-01-05 10:00:00,visit\n"
        "c2,<script>alert(1)</script>,visit\n"
        "c3,2026-01-06 11:00:00,purchase\n",
        encoding="utf-8",
    )
    report = workspace.ingest()
    assert report.quarantined == 1
    with (
        open_store(Settings.load(workspace.root)) as store,
        client_for(workspace.root, store) as client,
    ):
        twin = client.get("/api/quarantine").json()
        assert twin["total"] == 1 and twin["by_source"] == {"events": 1}
        row = twin["rows"][0]
        assert row["line"] == 3 and row["column"] == "timestamp" and row["reason"]
        page = client.get("/quarantine").text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
        assert row["reason"].split()[0] in page
        assert client.get("/api/quarantine?source=orders").status_code == 404
