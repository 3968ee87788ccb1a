"""``parcours demo``: one command gives every view of every sample, offline, and the data."""

import re
from pathlib import Path

import duckdb
from click.testing import CliRunner

from parcours.cli import main
from parcours.model import load_journey
from parcours.samples import SAMPLES


def test_demo_writes_a_workspace_with_every_view(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["demo", str(tmp_path / "demo"), "--customers", "300"])
    assert result.exit_code == 0, result.output
    root = tmp_path / "demo"
    assert (root / "parcours.toml").is_file()
    for name in SAMPLES:
        journey = load_journey(root / "journeys" / f"{name}.yaml")
        views = sorted(p.name for p in (root / "views" / name).iterdir())
        assert views == [
            "emotion.html",
            "emotion.svg",
            "grid.html",
            "linear.html",
            "matrix.html",
            "persona.html",
        ]
        grid = (root / "views" / name / "grid.html").read_text(encoding="utf-8")
        for stage in journey.stages:
            assert journey.label(stage.name) in grid.replace("&#39;", "'")
        # self-contained: nothing is fetched from the network
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", grid)
        assert str(root / "views" / name / "grid.html") in result.output
    with duckdb.connect(str(root / "parcours.duckdb"), read_only=True) as con:
        customers = con.execute("SELECT count(DISTINCT customer_id) FROM events").fetchone()
        assert customers is not None and 0 < customers[0] <= 300
        (feedback,) = con.execute("SELECT count(*) FROM feedback").fetchone() or (0,)
        assert feedback > 0
    assert "quarantined 0" in result.output
