"""Helpers for data tests: small files written to tmp_path, read with real DuckDB."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

ORACLES = Path(__file__).parents[1] / "oracles" / "process"


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[object, ...]]:
    return con.execute(sql).fetchall()


@pytest.fixture
def write(tmp_path: Path):
    """write(name, text or bytes) -> the path of a new file under tmp_path."""

    def _write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode(encoding) if isinstance(content, str) else content
        path.write_bytes(data)
        return path

    return _write
