"""The journey commands, through the real command line entry point."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from parcours.cli import main


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def journey_file(tmp_path: Path) -> Path:
    path = tmp_path / "map.yaml"
    assert run("init", path, "--preset", "3", "--type", "b2b").exit_code == 0
    return path


def test_init_writes_a_valid_map_from_a_preset(journey_file: Path) -> None:
    result = run("validate", journey_file)
    assert result.exit_code == 0, result.output
    assert result.output == f"{journey_file}: valid (3 stages, 0 touchpoints)\n"
    assert run("init", journey_file).exit_code == 1  # never overwrites silently


def test_validate_prints_located_problems_and_exits_1(tmp_path: Path, journey_file: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nstages:\n  - name: A\n    touchpoints: [{name: T, chanel: web}]\n")
    result = run("validate", journey_file, bad)
    assert result.exit_code == 1
    assert f"{bad}:4:29: stages.0.touchpoints.0.chanel: unknown key `chanel`" in result.output
    assert "did you mean `channel`?" in result.output
    assert "Traceback" not in result.output


def test_lint_json_contract_and_exit_status(tmp_path: Path, journey_file: Path) -> None:
    result = run("lint", journey_file, "--format", "json")
    assert result.exit_code == 0  # warnings only
    found = json.loads(result.stdout)["findings"]
    assert {f["rule"] for f in found} >= {"stage-kpi-target", "stage-touchpoint"}
    assert set(found[0]) == {"rule", "severity", "where", "message"}
    with_error = tmp_path / "err.yaml"
    with_error.write_text("name: x\nopportunities: [{title: Faire}]\n")
    result = run("lint", with_error, "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["findings"][0]["rule"] == "opportunity-prioritised"


def test_lint_with_event_catalogue(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(
        "name: x\nstages:\n  - name: A\n    touchpoints:\n"
        "      - {name: T, channel: website, match: {events: [page_view]}}\n"
    )
    catalogue = tmp_path / "events.txt"
    catalogue.write_text("# known events\nclick\n")
    result = run("lint", path, "--events", catalogue)
    assert result.exit_code == 1
    assert "event 'page_view' matches no known event [binding-known-events]" in result.stdout


def test_export_import_and_diff(tmp_path: Path, journey_file: Path) -> None:
    mermaid = tmp_path / "map.mmd"
    assert run("export", journey_file, "--format", "mermaid", "-o", mermaid).exit_code == 0
    assert mermaid.read_text().startswith("journey\n")
    imported = tmp_path / "imported.json"
    assert run("import", mermaid, "-o", imported).exit_code == 0
    result = run("diff", journey_file, imported, "--format", "json")
    assert result.exit_code == 0
    changes = json.loads(result.stdout)["changes"]
    expected = {"kind": "changed", "what": "journey", "id": "mon-parcours-client"}
    assert {**expected, "fields": ["business_type"]} in changes
    as_json = run("export", journey_file, "--format", "json")
    assert json.loads(as_json.stdout)["business_type"] == "b2b"


def test_schema_is_a_json_schema_that_names_every_stage_key() -> None:
    result = run("schema")
    schema = json.loads(result.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    stage = schema["$defs"]["Stage"]
    assert stage["additionalProperties"] is False
    assert {"touchpoints", "pain_points", "empathy", "kpis", "match"} <= set(stage["properties"])


def test_every_command_has_help_and_errors_have_no_traceback(tmp_path: Path) -> None:
    for command in main.commands:
        assert run(command, "--help").exit_code == 0
    result = run("export", tmp_path / "nope.yaml", "--format", "csv")
    assert result.exit_code != 0 and "Traceback" not in result.output
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: [\n")
    result = run("export", broken, "--format", "mermaid")
    assert result.exit_code == 1
    assert result.output.startswith(f"{broken}:2:1: invalid YAML")
