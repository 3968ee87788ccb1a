"""``parcours refresh`` on a segmented workspace: the segments follow the rows an ingest brings
(segmented again as ``parcours segment`` was last asked, the cluster ids kept), or the refresh
says they are older than those rows."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from parcours.cli import main
from parcours.data.workspace import Workspace, create_workspace
from parcours.engine.customers.members import ASKED
from parcours.engine.workspace_tables import workspace_tables


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def _events(folder: Path, name: str, customers: range) -> None:
    rows = []
    for i in customers:
        often = i % 2 == 0  # two behaviours: frequent buyers and one-off visitors
        for day in range(1, 9 if often else 2):
            stamp = f"2024-03-{day:02d}T10:00:00"
            rows.append({"customer_id": f"k{i}", "timestamp": stamp, "event": "view"})
            if often:
                rows.append({"customer_id": f"k{i}", "timestamp": stamp, "event": "purchase"})
    pd.DataFrame(rows).assign(channel="web").to_csv(folder / name, index=False)


def _segmented(root: Path) -> Workspace:
    (root / "data").mkdir(parents=True)
    _events(root / "data", "events-1.csv", range(20))
    space = create_workspace(root, sources={"events": {"path": "data/events-*.csv"}})
    space.ingest()
    found = run("segment", root, "--purchase-event", "purchase", "--k", "2-2")
    assert found.exit_code == 0, found.output
    return space


def _members(space: Workspace) -> dict[str, str]:
    with workspace_tables(space) as log:
        return dict(log.rows("SELECT customer_id, segment FROM {segments} WHERE kind = 'cluster'"))


def test_refresh_segments_the_new_customers_again(tmp_path: Path) -> None:
    space = _segmented(tmp_path)
    before = _members(space)
    assert len(before) == 20
    assert json.loads((tmp_path / ASKED).read_text())["event"] == "purchase"
    _events(tmp_path / "data", "events-2.csv", range(20, 30))
    result = run("refresh", tmp_path, "--voice", "none")
    assert result.exit_code == 0, result.output
    assert "segmented again, as `parcours segment` was last asked" in result.output
    after = _members(space)
    assert len(after) == 30  # the new customers have their segment
    assert {k: after[k] for k in before} == before  # and the ids are kept
    again = run("refresh", tmp_path, "--voice", "none", "--format", "json")
    assert json.loads(again.output)["segments"] is None  # nothing new: left as they are


@pytest.mark.parametrize("segmented", [True, False])
def test_refresh_says_segments_are_stale_when_it_cannot_segment_again(
    tmp_path: Path, segmented: bool
) -> None:
    if segmented:  # segmented before what was asked was kept
        space = _segmented(tmp_path)
        (tmp_path / ASKED).unlink()
    else:
        (tmp_path / "data").mkdir()
        _events(tmp_path / "data", "events-1.csv", range(20))
        space = create_workspace(tmp_path, sources={"events": {"path": "data/events-*.csv"}})
    _events(tmp_path / "data", "events-2.csv", range(20, 30))
    result = run("refresh", tmp_path, "--voice", "none")
    assert result.exit_code == 0, result.output
    assert ("older than the rows just imported" in result.output) is segmented
    assert "segmented again" not in result.output
    if segmented:
        assert len(_members(space)) == 20


def test_the_web_apps_refresh_job_segments_the_new_customers_too(tmp_path: Path) -> None:
    from parcours.web.jobs import Jobs

    space = _segmented(tmp_path)
    _events(tmp_path / "data", "events-2.csv", range(20, 30))
    jobs = Jobs(space)
    try:
        job = jobs.refresh(())
    finally:
        jobs.shutdown()  # waits for the job
    assert (job.state, job.error) == ("done", "")
    assert len(_members(space)) == 30
