"""Malformed Mermaid journey diagrams: each gives an error that names the line, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from parcours.cli import main
from parcours.errors import JourneyError
from parcours.model.mermaid import from_mermaid, load_mermaid


def error_of(text: str | bytes) -> str:
    with pytest.raises(JourneyError) as info:
        from_mermaid(text, "d.mmd")
    return str(info.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "d.mmd:1:1: empty diagram"),
        ("%% only a comment\n", "d.mmd:1:1: empty diagram"),
        ("journey\n  Task: 3: Me\n", "d.mmd:2:3: task before any section"),
        ("journey\n  section A\n  Task: 0: Me\n", "d.mmd:3:3: score 0 is outside 1..5"),
        ("journey\n  section A\n  Task: 5.5\n", "d.mmd:3:3: score 5.5 is outside 1..5"),
        ("journey\n  section A\n  Task 3\n", "d.mmd:3:3: unreadable line"),
        ("journey\n  section\n", "d.mmd:2:3: unreadable line"),
        ("journey\n  title\n", "d.mmd:2:3: unreadable line"),
        (b"journey\n  section \xff\n", "d.mmd:2:11: the file is not valid UTF-8"),
        ("journey\n  section A\ud800\n", "d.mmd:2:12: a text holds a lone UTF-16 surrogate"),
        (
            "journey\n  section A\n  Task: 3: Me\n  Other: 2: " + "x" * 100 + "\n",
            "d.mmd:4:1: personas.1.id: String should have at most 80 characters",
        ),
        (
            "journey\n  section A\n  Task: " + "1" * 5000 + "\n",
            "d.mmd:3:3: score " + "1" * 5000 + " is outside 1..5",
        ),
    ],
)
def test_every_malformed_diagram_names_its_line(text: str | bytes, expected: str) -> None:
    assert error_of(text).startswith(expected)


def test_an_overlong_line_is_refused() -> None:
    assert error_of("journey\n  section " + "a" * 300_000 + "\n").startswith(
        "d.mmd:2:3: a text of 300,008 characters is longer than the 200,000 allowed"
    )


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(JourneyError, match=r"nope\.mmd:0:0: cannot read the file"):
        load_mermaid(tmp_path / "nope.mmd")


def test_parcours_import_reports_a_bad_diagram_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bad.mmd"
    path.write_bytes(b"journey\n  section Caf\xe9\n")
    result = CliRunner().invoke(main, ["import", str(path)])
    assert result.exit_code == 1
    assert f"{path}:2:14: the file is not valid UTF-8 (save the file as UTF-8)" in result.output
    assert "Traceback" not in result.output
