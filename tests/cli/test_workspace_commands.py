"""``ingest``, ``measure`` and ``refresh`` on a real workspace: flags are the last settings layer,
and refresh = ingest what is new + measure and draw every journey, as ``measure`` does, and keep
its snapshot, as the web app's refresh does."""

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from parcours.cli import main
from parcours.data.workspace import Workspace, create_workspace
from parcours.demo import DEMO_CONFIG, SIMULATED, SOURCES
from parcours.model import load_journey
from parcours.samples import sample_events, sample_path
from parcours.simulate import simulate
from parcours.snapshot import load_snapshot

HEADER = "customer_id,timestamp,event,channel\n"


def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with the sports subscription map and 200 simulated customers, not ingested."""
    root = tmp_path_factory.mktemp("shop")
    create_workspace(root, sources=SOURCES)
    journey = Path(shutil.copyfile(sample_path(SIMULATED), root / "journeys" / "sport.yaml"))
    config = DEMO_CONFIG.model_copy(update={"customers": 200})
    simulate(load_journey(journey), root / "data", config, catalogue=sample_events(SIMULATED))
    return root


def test_a_flag_wins_over_the_environment_and_the_file(tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_text(HEADER + "a,2024-01-01,visit,web\n")
    (tmp_path / "parcours.toml").write_text(
        'engine = "spark"\ndatabase = "toml.duckdb"\n[sources.events]\npath = "e.csv"\n'
    )
    # the environment says an unknown engine, a bad thread count and a memory cap DuckDB refuses
    env = {
        "PARCOURS_ENGINE": "cobol",
        "PARCOURS_DATABASE": "env.duckdb",
        "PARCOURS_THREADS": "many",
        "PARCOURS_MEMORY_LIMIT": "lots",
    }
    result = run("ingest", tmp_path, "--format", "json", env=env)
    assert result.exit_code == 1
    assert "parcours.toml: invalid settings (engine: Input should be 'duckdb' or 'spark'" in (
        result.output
    )
    assert "threads: Input should be a valid integer" in result.output
    flags = ["--engine", "duckdb", "--threads", "1", "--memory-limit", "1GB"]
    flag_db = tmp_path / "flags" / "flag.duckdb"
    result = run("ingest", tmp_path, "--format", "json", *flags, "--database", flag_db, env=env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["database"] == str(flag_db)
    assert flag_db.is_file()
    assert not (tmp_path / "env.duckdb").exists() and not (tmp_path / "toml.duckdb").exists()


def test_refresh_ingests_what_is_new_and_draws_every_journey(simulated: Path) -> None:
    result = run("refresh", simulated, "--voice", "lexicon", "--engine", "duckdb")
    assert result.exit_code == 0, result.output
    layout = load_journey(simulated / "journeys" / "sport.yaml").layout.value
    view = simulated / "views" / "sport" / f"measured-{layout}.html"
    assert "quarantined 0" in result.output
    assert f"sport: {view} (" in result.output
    assert "stages." in result.output  # the KPIs, as measure prints them
    drawn = view.read_text(encoding="utf-8")
    # again: nothing new to import, the same measures, the same map as `parcours measure` draws
    again = run("refresh", simulated, "--voice", "lexicon", "--format", "json")
    assert again.exit_code == 0, again.output
    report = json.loads(again.output)
    assert {f["status"] for f in report["ingest"]["files"]} == {"already imported"}
    assert report["ingest"]["loaded"] == 0
    (sport,) = report["journeys"].values()
    assert sport["view"] == str(view) and sport["kpis"]
    assert _map(view.read_text(encoding="utf-8")) == _map(drawn)
    # what matters: the first refresh had nothing to compare with, the second compares with it
    assert '<section class="what-matters"' in drawn and "changes-since" in drawn
    assert '<ul class="changes">' not in drawn
    matters = sport["what_matters"]
    assert matters["since"] is not None and len(matters["top"]) == min(3, matters["found"])
    assert (matters["new"], matters["gone"], matters["kpis"]) == ([], [], [])
    # the snapshot the web app shows is the refresh's own measure
    snapshot = load_snapshot(Workspace.open(simulated), "sport")
    assert snapshot is not None and list(snapshot.kpis) == sport["kpis"]
    view.unlink()
    measured = run("measure", simulated, "--voice", "lexicon")
    assert measured.exit_code == 0, measured.output
    assert _map(view.read_text(encoding="utf-8")) == _map(drawn)
    assert measured.output == result.output[len(result.output) - len(measured.output) :]


def _map(page: str) -> str:
    """A measured map without its head's "what matters" (it tells when it was compared)."""
    head, _, rest = page.partition('<section class="what-matters"')
    return head + rest.partition("</header>")[2]


def test_refresh_of_an_empty_workspace_says_there_is_nothing(tmp_path: Path) -> None:
    create_workspace(tmp_path)
    result = run("refresh", tmp_path)
    assert result.exit_code == 0, result.output
    assert "read 0 = loaded 0 + quarantined 0" in result.output
    assert f"no journey to measure in {tmp_path.resolve() / 'journeys'}" in result.output
