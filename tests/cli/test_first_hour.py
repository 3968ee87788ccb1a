"""The first hour of a new user (issue 14): the rows an import rejected can be seen, a folder that
is not a workspace is an error that says how to make one (and nothing is created), the demo does
not overwrite a folder, ``parcours --help`` imports nothing heavy, tables speak in human units,
``measure`` writes the view asked, and long commands show progress on a terminal."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from parcours.cli import main
from parcours.data.workspace import create_workspace
from parcours.demo import DEMO_CONFIG, SIMULATED, SOURCES
from parcours.model import load_journey
from parcours.samples import sample_events, sample_path
from parcours.simulate import simulate

SRC = Path(__file__).resolve().parents[2] / "src"
HEADER = "customer_id,timestamp,event,channel\n"
#: Five data lines: line 3 has a time that is a formula, line 5 no customer, line 6 a bad time.
BAD_ROWS = (
    "a,2024-01-01,visit,web\n"
    "b,=1+2,visit,web\n"
    "c,2024-01-02,visit,web\n"
    ",2024-01-02,visit,web\n"
    'd,"not\na time",visit,web\n'
)


def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def listing(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


@pytest.fixture
def rejected(tmp_path: Path) -> Path:
    """A workspace with two sources, whose events import rejected three rows."""
    root = tmp_path / "shop"
    result = run("init-workspace", root, "--source", "events=e.csv", "--source", "customers=c.csv")
    assert result.exit_code == 0, result.output
    (root / "e.csv").write_text(HEADER + BAD_ROWS, encoding="utf-8")
    (root / "c.csv").write_text("customer_id,attributes\na,{}\n", encoding="utf-8")
    result = run("ingest", root)
    assert result.exit_code == 0, result.output
    assert "quarantined 3" in result.output and f"parcours quarantine {root}" in result.output
    return root


def test_quarantine_lists_each_rejected_row_with_line_column_and_reason(rejected: Path) -> None:
    result = run("quarantine", rejected)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == [
        "source",
        "kind",
        "file",
        "line",
        "column",
        "raw",
        "value",
        "reason",
    ]
    by_line = {int(line.split()[3]): line for line in lines[1:4]}
    assert set(by_line) == {3, 5, 6}  # the file's own line numbers, header included
    assert {line.split()[2] for line in by_line.values()} == {"e.csv"}  # as parcours.toml says
    assert "timestamp" in by_line[3] and "=1+2" in by_line[3] and "unparseable" in by_line[3]
    assert "customer_id" in by_line[5] and "missing customer_id" in by_line[5]
    assert "not\\na time" in by_line[6]  # a line break inside a value stays on its row
    assert lines[-1] == "3 quarantined row(s) (events 3)"


def test_quarantine_as_json_and_as_formula_safe_csv(rejected: Path) -> None:
    data = json.loads(run("quarantine", rejected, "--format", "json").output)
    assert (data["total"], data["shown"], data["by_source"]) == (3, 3, {"events": 3})
    first = data["rows"][0]
    assert (first["line"], first["column"], first["raw_value"]) == (3, "timestamp", "=1+2")
    assert first["file"] == str(rejected / "e.csv") and first["source_name"] == "events"
    text = run("quarantine", rejected, "--format", "csv").output
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["line"] for r in rows] == ["3", "5", "6"]
    assert rows[0]["raw_value"] == "'=1+2"  # a spreadsheet shows it, never runs it
    assert rows[2]["raw_value"] == "not\na time"  # quoted: the row does not split


def test_quarantine_by_source_and_limited(rejected: Path) -> None:
    limited = run("quarantine", rejected, "--limit", "1")
    assert limited.exit_code == 0
    assert "showing 1 (--limit 0 for all)" in limited.output
    assert run("quarantine", rejected, "-s", "customers").output == (
        "No quarantined row in source customers.\n"
    )
    assert (
        json.loads(run("quarantine", rejected, "-s", "events", "--format", "json").output)["total"]
        == 3
    )
    unknown = run("quarantine", rejected, "--source", "evnets")
    assert unknown.exit_code == 1
    assert "no source named 'evnets'; declared: events, customers." in unknown.output


def test_quarantine_before_any_import_creates_no_database(tmp_path: Path) -> None:
    create_workspace(tmp_path, sources={"events": {"path": "e.csv"}})
    before = listing(tmp_path)
    result = run("quarantine", tmp_path)
    assert (result.exit_code, result.output) == (0, "No quarantined row.\n")
    assert listing(tmp_path) == before


@pytest.mark.parametrize("command", ["ingest", "measure", "refresh", "insights", "quarantine"])
def test_a_folder_without_parcours_toml_is_not_a_workspace(tmp_path: Path, command: str) -> None:
    (tmp_path / "events.csv").write_text(HEADER + "a,2024-01-01,visit,web\n")
    result = run(command, tmp_path)
    assert result.exit_code == 1
    assert f"{tmp_path}: not a parcours workspace (has no parcours.toml)" in result.output
    assert f"parcours init-workspace {tmp_path}" in result.output
    assert "Traceback" not in result.output
    assert listing(tmp_path) == ["events.csv"]  # no database, no folder
    missing = tmp_path / "nowhere"
    result = run(command, missing)
    assert result.exit_code == 1
    assert f"{missing}: not a parcours workspace (does not exist)" in result.output
    assert not missing.exists()


def test_init_workspace_then_ingest(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "events.csv").write_text(HEADER + "a,2024-01-01,visit,web\n")
    result = run("init-workspace", tmp_path, "--source", "events=data/events.csv")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "journeys").is_dir()
    assert 'path = "data/events.csv"' in (tmp_path / "parcours.toml").read_text()
    assert "read 1 = loaded 1 + quarantined 0" in run("ingest", tmp_path).output
    empty = run("measure", tmp_path)  # no journey yet: it says so, and how to add one
    assert empty.exit_code == 0
    assert f"no journey to measure in {tmp_path / 'journeys'}: put a journey map" in empty.output
    again = run("init-workspace", tmp_path)
    assert again.exit_code == 1 and "a workspace is already here" in again.output
    bad = run("init-workspace", tmp_path / "other", "--source", "events")
    assert bad.exit_code == 1 and "write NAME=PATH" in bad.output
    assert not (tmp_path / "other").exists()


def test_demo_does_not_overwrite_a_folder_that_holds_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    result = run("demo", tmp_path, "--customers", "10")
    assert result.exit_code == 1
    assert "the folder is not empty" in result.output and "--force" in result.output
    assert listing(tmp_path) == ["notes.txt"]
    assert (tmp_path / "notes.txt").read_text() == "mine"
    a_file = tmp_path / "notes.txt"
    assert run("demo", a_file).exit_code == 2  # click refuses a file for DIRECTORY
    assert a_file.read_text() == "mine"


def test_the_command_line_starts_without_the_heavy_libraries() -> None:
    """What keeps `parcours --help` fast (docs/benchmarks.md, bench/cli_startup.py): importing
    the command line imports no data frame, Arrow, database, JIT or template library."""
    heavy = ["pandas", "pyarrow", "duckdb", "numba", "numpy", "scipy", "jinja2", "pydantic"]
    code = (
        "import sys, parcours.cli\n"
        f"print([m for m in {heavy!r} if m in sys.modules])\n"
        "parcours.cli.main(['--help'])\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert ran.returncode == 0, ran.stderr
    first, *rest = ran.stdout.splitlines()
    assert first == "[]"
    assert any(line.split()[:1] == ["quarantine"] for line in rest)


def test_the_role_flags_name_the_events_contract_columns() -> None:
    from parcours.cli.analyses import _ROLES
    from parcours.data.schema import CHANNEL, CUSTOMER_ID, EVENT, TIMESTAMP

    assert list(_ROLES.values()) == [CUSTOMER_ID, TIMESTAMP, EVENT, CHANNEL]


def test_lazy_choices_are_the_library_values() -> None:
    from parcours.engine.attribution import MODELS
    from parcours.render.html import VIEWS

    measure = main.commands["measure"]
    view = next(p for p in measure.params if p.name == "view")
    assert tuple(view.type.choices) == VIEWS  # type: ignore[attr-defined]
    attribution = main.commands["attribution"]
    model = next(p for p in attribution.params if p.name == "model")
    assert tuple(model.type.choices) == MODELS  # type: ignore[attr-defined]
    assert run("render", "x.yaml", "--view", "nope").exit_code == 2


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with the sports subscription map and 200 simulated customers, ingested."""
    root = tmp_path_factory.mktemp("sport")
    create_workspace(root, sources=SOURCES)
    journey = Path(shutil.copyfile(sample_path(SIMULATED), root / "journeys" / "sport.yaml"))
    shutil.copyfile(sample_path("sport_subscription"), root / "journeys" / "other.yaml")
    config = DEMO_CONFIG.model_copy(update={"customers": 200})
    simulate(load_journey(journey), root / "data", config, catalogue=sample_events(SIMULATED))
    assert run("ingest", root).exit_code == 0
    return root


def test_measure_prints_kpis_in_human_units_and_says_what_is_not_measured(
    measured: Path,
) -> None:
    en = run("measure", measured, "-j", "sport", "--voice", "none", "--lang", "en")
    assert en.exit_code == 0, en.output
    kpis = [line.strip() for line in en.output.splitlines() if line.startswith("  stages.")]
    assert kpis, en.output
    for line in kpis:
        value = line.split(": ", 1)[1]
        # a percentage, a number with at most one decimal and its unit, or why there is none
        assert "e+" not in value and not re.search(r"\d[.,]\d\d", value), line
    assert any("%" in line and "(target" in line for line in kpis)
    custom = next(line for line in kpis if "echecs-paiement" in line)
    assert custom.endswith("not measured (a custom KPI is not computed from the data)")
    fr = run("measure", measured, "-j", "sport", "--voice", "none", "--lang", "fr")
    assert "non mesuré (un KPI personnalisé n'est pas calculé à partir des données)" in fr.output
    assert "\u00a0%" in fr.output and "(cible " in fr.output


def test_measure_writes_the_view_asked(measured: Path, tmp_path: Path) -> None:
    result = run("measure", measured, "-j", "sport", "--voice", "none", "--view", "grid")
    assert result.exit_code == 0, result.output
    grid = measured / "views" / "sport" / "measured-grid.html"
    assert f"sport: {grid}" in result.output and grid.is_file()
    out = tmp_path / "curve.svg"
    args = ["-j", "sport", "--voice", "none", "--view", "emotion", "-o", out, "--format", "json"]
    result = run("measure", measured, *args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["sport"]["view"] == str(out)
    assert "<svg" in out.read_text(encoding="utf-8")
    both = run("measure", measured, "--voice", "none", "-o", tmp_path / "x.html")
    assert both.exit_code == 1
    assert "one output file holds one journey's map, and 2 would be measured" in both.output
    nowhere = run("measure", measured, "-j", "sport", "-o", tmp_path / "no" / "x.html")
    assert nowhere.exit_code == 1 and "does not exist" in nowhere.output


def test_long_commands_show_progress_on_a_terminal_only(measured: Path) -> None:
    args = ["measure", measured, "-j", "sport", "--voice", "none", "--format", "json"]
    shown = CliRunner().invoke(
        main, [str(a) for a in [*args, "--progress"]], env={"FORCE_COLOR": "1"}
    )
    assert shown.exit_code == 0, shown.output
    assert "measuring" in shown.stderr
    json.loads(shown.stdout)  # the progress never mixes with the result
    quiet = CliRunner().invoke(main, [str(a) for a in args])  # not a terminal: nothing
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_analysis_tables_speak_in_durations_and_percentages(measured: Path) -> None:
    events = measured / "data" / "events.parquet"
    journey = measured / "journeys" / "sport.yaml"
    result = run("durations", events, "--journey", journey)
    assert result.exit_code == 0, result.output
    header, *rows = result.output.split("\n\nWhole journey:")[0].splitlines()
    assert header.split()[:4] == ["kind", "name", "count", "mean"]
    journey_row = next(row for row in rows if row.startswith("journey"))
    # days and hours (joined by no-break spaces), not 1.2e+06 seconds
    assert re.search(r"\d+\u00a0d\u00a0\d+\u00a0h", journey_row), journey_row
    assert "e+" not in result.output
    fr = run("durations", events, "--journey", journey, "--lang", "fr")
    assert "\u00a0j" in fr.output and "\u00a0%" in fr.output
