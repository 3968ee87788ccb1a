"""The README stays true: its example map is valid and it documents every command."""

import re
from pathlib import Path

from parcours.cli import main
from parcours.model import parse_journey
from parcours.model.lint import lint

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def test_readme_example_map_is_valid() -> None:
    (example,) = re.findall(r"```yaml\n(.*?)```", README, re.DOTALL)
    journey = parse_journey(example, "README.md")
    assert not [f for f in lint(journey) if f.severity == "error"]


def test_readme_documents_every_command() -> None:
    documented = set(re.findall(r"`parcours ([a-z-]+)", README))
    assert set(main.commands) <= documented, set(main.commands) - documented
