"""``parcours render`` through click's CliRunner (no browser: HTML and the emotion SVG)."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from parcours.cli import main

from .conftest import FIXTURE


def run(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def test_render_html_from_the_suffix(tmp_path: Path) -> None:
    out = tmp_path / "map.html"
    result = run("render", FIXTURE, "-o", out, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote {out}\n"
    html = out.read_text(encoding="utf-8")
    assert 'data-view="grid"' in html and "Touchpoints" in html


def test_layout_and_view_options(tmp_path: Path) -> None:
    out = tmp_path / "line.html"
    assert run("render", FIXTURE, "--layout", "linear", "-o", out).exit_code == 0
    assert 'data-view="linear"' in out.read_text(encoding="utf-8")
    assert run("render", FIXTURE, "--view", "matrix", "-o", out).exit_code == 0
    assert 'data-view="matrix"' in out.read_text(encoding="utf-8")


def test_default_output_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("render", FIXTURE.resolve(), "--view", "persona")
    assert result.exit_code == 0, result.output
    assert result.output == "Wrote journey.persona.html\n"
    assert (tmp_path / "journey.persona.html").is_file()


def test_emotion_svg_needs_no_browser(tmp_path: Path) -> None:
    out = tmp_path / "curve.svg"
    result = run("render", FIXTURE, "--view", "emotion", "-o", out)
    assert result.exit_code == 0, result.output
    assert ET.parse(out).getroot().tag == "{http://www.w3.org/2000/svg}svg"


def test_errors_are_one_message_and_exit_1(tmp_path: Path) -> None:
    mismatch = run("render", FIXTURE, "--format", "pdf", "-o", tmp_path / "x.html")
    assert mismatch.exit_code == 1
    assert "suffix .html does not match --format pdf" in mismatch.output
    conflict = run("render", FIXTURE, "--layout", "grid", "--view", "linear")
    assert conflict.exit_code == 1 and "disagree" in conflict.output
    unknown = run("render", FIXTURE, "-o", tmp_path / "x.docx")
    assert unknown.exit_code == 1 and "cannot tell the format" in unknown.output
    missing = run("render", tmp_path / "nope.yaml", "-o", tmp_path / "x.html")
    assert missing.exit_code == 1 and "nope.yaml" in missing.output
    no_folder = run("render", FIXTURE, "-o", tmp_path / "no" / "x.html")
    assert no_folder.exit_code == 1 and "does not exist" in no_folder.output
    for result in (mismatch, conflict, unknown, missing, no_folder):
        assert "Traceback" not in result.output


def test_help() -> None:
    result = run("render", "--help")
    assert result.exit_code == 0 and "--page [A4|A3]" in result.output


def test_missing_chromium_names_the_apt_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARCOURS_CHROMIUM", str(tmp_path / "no-chromium"))
    result = run("render", FIXTURE, "-o", tmp_path / "map.png")
    assert result.exit_code == 1
    assert "apt-get install chromium" in result.output and "no-chromium" in result.output
    assert not (tmp_path / "map.png").exists()


def test_missing_playwright_names_the_pip_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)  # import now fails
    result = run("render", FIXTURE, "-o", tmp_path / "map.pdf")
    assert result.exit_code == 1
    assert "pip install 'parcours[export]'" in result.output
