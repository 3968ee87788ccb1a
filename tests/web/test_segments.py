"""The map per segment on the web: the segment picker, its JSON twin and the persona cards, on
the demo segmented by ``workspace_segments`` and measured by ``take_snapshots``."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.web.conftest import JOURNEY, client_for

from parcours.data.workspace import Workspace
from parcours.engine.customers.members import workspace_segments
from parcours.settings import Settings
from parcours.snapshot import ALL, load_snapshot, take_snapshots
from parcours.store import open_store


@pytest.fixture(scope="module")
def segmented(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """A copy of the demo, segmented (k = 2) and measured again, once for the module."""
    root = Path(shutil.copytree(demo_template, tmp_path_factory.mktemp("seg") / "demo"))
    space = Workspace.open(root)
    workspace_segments(space, event="subscription_started", ks=range(2, 3))
    take_snapshots(space, [JOURNEY], voice=None)
    return space


@pytest.fixture(scope="module")
def local_client(segmented: Workspace) -> Iterator[TestClient]:
    with open_store(Settings.load(segmented.root)) as store:
        store.sync_workspace(segmented)
        with client_for(segmented.root, store) as client:
            yield client


def test_the_segment_picker_and_its_json_twin(
    segmented: Workspace, local_client: TestClient
) -> None:
    snapshot = load_snapshot(segmented, JOURNEY, ALL)
    assert snapshot is not None and sorted(snapshot.segments) == ["c1", "c2"]
    whole = local_client.get(f"/api/journeys/{JOURNEY}").json()
    assert whole["segment"] is None and whole["segments"] == ["c1", "c2"]
    assert [p["segment"] for p in whole["personas"]] == ["c1", "c2"]
    assert sum(p["customers"] for p in whole["personas"]) == 400
    ranked = whole["opportunities"]  # declared and found, ranked from measures
    assert ranked and {o["quadrant"] for o in ranked} <= {"do", "plan", "delegate", "drop"}
    assert [o["id"] for o in ranked] == [o["id"] for o in snapshot.opportunities]
    twin = local_client.get(f"/api/journeys/{JOURNEY}?segment=c1").json()
    assert twin["segment"] == "c1"
    kept = json.loads(json.dumps(snapshot.segments["c1"].to_dict()))
    assert twin["measures"] == kept != whole["measures"]
    first = next(iter(twin["measures"]["stages"]))
    card = whole["personas"][0]
    assert twin["measures"]["stages"][first]["customers"] <= card["customers"] < 400
    page = local_client.get(f"/journeys/{JOURNEY}?view=grid&segment=c1").text
    assert '<select id="segment" name="segment">' in page
    assert '<option value="c1" selected>c1</option>' in page
    assert "segment=c1" in page  # the view tabs and the JSON link keep the segment
    every = local_client.get(f"/journeys/{JOURNEY}?view=grid&segment=").text
    assert '<option value="" selected>' in every


def test_persona_cards_on_the_map_page(segmented: Workspace, local_client: TestClient) -> None:
    page = local_client.get(f"/journeys/{JOURNEY}?view=persona").text
    assert page.count('class="persona persona-measured"') == 2
    assert 'data-segment="c1"' in page and 'class="typical-path"' in page


def test_ranked_opportunities_on_the_matrix(segmented: Workspace, local_client: TestClient) -> None:
    page = local_client.get(f"/journeys/{JOURNEY}?view=matrix").text
    snapshot = load_snapshot(segmented, JOURNEY, ALL)
    assert snapshot is not None
    assert page.count("measured-opportunity") == len(snapshot.opportunities) > 0


def test_an_unknown_segment(segmented: Workspace, local_client: TestClient) -> None:
    assert local_client.get(f"/api/journeys/{JOURNEY}?segment=c9").status_code == 404
    assert local_client.get(f"/journeys/{JOURNEY}?segment=c9").status_code == 404
    assert local_client.get(f"/api/journeys/{JOURNEY}?segment=%3Cb%3E").status_code == 422
