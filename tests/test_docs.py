"""The README stays true: its example map is valid and it documents every command."""

import re
import subprocess
import sys
from pathlib import Path

from parcours.cli import main
from parcours.demo import build_demo
from parcours.errors import RenderError
from parcours.model import parse_journey
from parcours.model.lint import lint
from parcours.render.browser import chromium_path

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def test_readme_example_map_is_valid() -> None:
    (example,) = re.findall(r"```yaml\n(.*?)```", README, re.DOTALL)
    journey = parse_journey(example, "README.md")
    assert not [f for f in lint(journey) if f.severity == "error"]


def test_readme_documents_every_command() -> None:
    documented = set(re.findall(r"`parcours ([a-z-]+)", README))
    assert set(main.commands) <= documented, set(main.commands) - documented


def test_readme_python_example_runs(tmp_path: Path) -> None:
    """The "From Python" snippet, as written, run by a new Python as a user would, on a small
    demo workspace (the PDF line only where Chromium is installed)."""
    (snippet,) = re.findall(r"```python\n(.*?)```", README, re.DOTALL)
    build_demo(tmp_path / "demo", customers=300)
    try:
        chromium_path()
    except RenderError:
        snippet = "\n".join(line for line in snippet.splitlines() if '"map.pdf"' not in line)
    script = tmp_path / "example.py"
    script.write_text(snippet, encoding="utf-8")
    ran = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=600
    )
    assert ran.returncode == 0, ran.stderr
    assert (tmp_path / "measured.html").is_file()
    assert list((tmp_path / "demo" / "views" / "sport_subscription").glob("measured-*.html"))
