"""Golden files: compare text with tests/render/snapshots/NAME; PARCOURS_UPDATE_SNAPSHOTS=1
rewrites them. The inline stylesheet (a static file, tested apart) is left out of HTML snapshots
so a style change does not touch every golden file."""

from __future__ import annotations

import os
import re

import pytest

from .conftest import SNAPSHOTS


def assert_snapshot(name: str, text: str) -> None:
    text = re.sub(r"<style>.*?</style>", "<style>/* style.css */</style>", text, flags=re.S)
    path = SNAPSHOTS / name
    if os.environ.get("PARCOURS_UPDATE_SNAPSHOTS") == "1":
        path.write_text(text, encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(f"no snapshot {path}: run with PARCOURS_UPDATE_SNAPSHOTS=1 to write it")
    expected = path.read_text(encoding="utf-8")
    assert text == expected, (
        f"{name} differs from its snapshot; if the change is wanted, rerun with "
        "PARCOURS_UPDATE_SNAPSHOTS=1 and review the diff"
    )
