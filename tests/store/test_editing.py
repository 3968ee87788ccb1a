"""save_edit: an edit of a stale version is merged with what others saved, or comes back as
a conflict with nothing written; settled conflicts save. SQLite here (the concurrency of the
version check itself is tested on both stores in test_concurrency.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from parcours.data.workspace import Workspace
from parcours.errors import JourneyValidationError, StoreError
from parcours.store import Conflicted, Saved, Store, User, save_edit

from .conftest import JOURNEY_YAML, SAMPLES

pytestmark = pytest.mark.parametrize("make_engine", ["sqlite"], indirect=True)

RENAMED = JOURNEY_YAML.replace("{fr: Achat, en: Purchase}", "Achat en ligne")
RECHANNELED = JOURNEY_YAML.replace("channel: social_network", "channel: video")
BOTH_RENAMED = JOURNEY_YAML.replace("{fr: Achat, en: Purchase}", "Paiement")


def test_an_edit_of_the_latest_version_is_saved_as_is(store: Store, ana: User) -> None:
    first = save_edit(store, "small", JOURNEY_YAML, 0, ana.id, "first")
    assert isinstance(first, Saved) and first.to_dict()["etag"] == '"v1"'
    second = save_edit(store, "small", RENAMED, 1, ana.id, "rename")
    assert isinstance(second, Saved) and not second.merged
    assert second.version.text == RENAMED and second.version.message == "rename"


def test_a_stale_edit_that_does_not_overlap_is_merged_and_saved(
    store: Store, ana: User, bob: User
) -> None:
    save_edit(store, "small", JOURNEY_YAML, 0, ana.id)
    save_edit(store, "small", RENAMED, 1, ana.id, "ana renames")
    saved = save_edit(store, "small", RECHANNELED, 1, bob.id, "bob changes the channel")
    assert isinstance(saved, Saved) and saved.merged
    assert (saved.version.number, saved.version.author) == (3, "bob@example.org")
    journey = saved.version.journey
    assert journey.stages[1].name == "Achat en ligne"
    assert journey.stages[0].touchpoints[0].channel == "video"


def test_an_overlapping_edit_comes_back_as_a_conflict_and_writes_nothing(
    store: Store, ana: User, bob: User
) -> None:
    save_edit(store, "small", JOURNEY_YAML, 0, ana.id)
    save_edit(store, "small", RENAMED, 1, ana.id)
    outcome = save_edit(store, "small", BOTH_RENAMED, 1, bob.id, "bob renames too")
    assert isinstance(outcome, Conflicted) and outcome.latest == 2
    (conflict,) = outcome.merge.conflicts
    assert conflict.path == "stages[buy].name"
    assert (conflict.mine, conflict.theirs) == ("Paiement", "Achat en ligne")
    assert outcome.to_dict()["etag"] == '"v2"'
    assert store.journey("small").latest == 2  # type: ignore[union-attr]
    settled = save_edit(store, "small", BOTH_RENAMED, 1, bob.id, choices={conflict.path: "mine"})
    assert isinstance(settled, Saved) and settled.version.journey.stages[1].name == "Paiement"


def test_errors_name_the_input(store: Store, ana: User) -> None:
    save_edit(store, "small", JOURNEY_YAML, 0, ana.id)
    with pytest.raises(JourneyValidationError, match=r"small\.yaml:5"):
        save_edit(store, "small", JOURNEY_YAML.replace("id: discover", "id: Discover!"), 1, None)
    with pytest.raises(StoreError, match="no version 9"):
        save_edit(store, "small", RENAMED, 9, None)
    assert store.journey("small").latest == 1  # type: ignore[union-attr]


def test_a_saved_edit_is_written_back_to_the_workspace_file(
    store: Store, ana: User, tmp_path: Path
) -> None:
    root = tmp_path / "ws"
    (root / "journeys").mkdir(parents=True)
    shutil.copy(SAMPLES / "audiocrab.yaml", root / "journeys" / "audiocrab.yaml")
    workspace = Workspace.open(root)
    (version,) = store.sync_workspace(workspace)
    edited = version.text.replace("Recherche Google", "Recherche Bing")
    saved = save_edit(store, "audiocrab", edited, 1, ana.id, workspace=workspace)
    assert isinstance(saved, Saved)
    assert (root / "journeys" / "audiocrab.yaml").read_text(encoding="utf-8") == edited
