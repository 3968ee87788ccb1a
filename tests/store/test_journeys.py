"""Journeys and versions on SQLite and PostgreSQL: lossless round trip, a version only on change,
diff, restore, workspace sync and export."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from parcours.data.workspace import Workspace
from parcours.errors import JourneyFileError, JourneyValidationError, StoreError, VersionConflict
from parcours.store import Store, User

from .conftest import JOURNEY_JSON, JOURNEY_YAML, SAMPLES, Clock

EDITED = JOURNEY_YAML.replace(
    "  - id: buy\n", "  - id: compare\n    name: Comparaison\n  - id: buy\n"
).replace("Publicité", "Publicité vidéo")


@pytest.mark.parametrize(
    ("text", "suffix"),
    [
        (JOURNEY_YAML, "yaml"),
        (JOURNEY_YAML.replace("\n", "\r\n"), "yaml"),  # Windows line endings
        ("\ufeff" + JOURNEY_YAML, "yaml"),  # a byte-order mark
        ("# only comments change between...\n" + JOURNEY_YAML + "\n\n# trailing\n", "yaml"),
        (JOURNEY_JSON, "json"),
        (JOURNEY_JSON.replace("  ", "\t").rstrip("\n"), "json"),
    ],
)
def test_export_gives_back_the_imported_bytes(
    store: Store, ana: User, tmp_path: Path, text: str, suffix: str
) -> None:
    version = store.import_journey("small", text, author_id=ana.id, message="first")
    assert (version.number, version.text, version.format) == (1, text, suffix)
    assert version.author == "ana@example.org" and version.message == "first"
    assert version.journey.id == "small"
    out = store.export_journey("small", tmp_path / "out" / f"small.{suffix}")
    assert out.read_bytes() == text.encode("utf-8")
    assert store.version("small").text == text


def test_a_version_is_made_only_when_the_text_changes(
    store: Store, ana: User, bob: User, clock: Clock
) -> None:
    first = store.import_journey("small", JOURNEY_YAML, author_id=ana.id)
    clock.advance(minutes=5)
    again = store.import_journey("small", JOURNEY_YAML, author_id=bob.id, message="same")
    assert again == first
    second = store.import_journey("small", EDITED, author_id=bob.id, message="a stage")
    assert second.number == 2
    comment_only = store.import_journey("small", "# note\n" + EDITED, author_id=None)
    assert comment_only.number == 3  # the file changed, so it is a version, even if the map did not
    infos = store.versions("small")
    assert [(v.number, v.author, v.message) for v in infos] == [
        (3, None, ""),
        (2, "bob@example.org", "a stage"),
        (1, "ana@example.org", ""),
    ]
    record = store.journey("small")
    assert record is not None
    assert (record.latest, record.title_fr, record.title_en) == (
        3,
        "Petit parcours",
        "Small journey",
    )
    assert record.created_at < record.updated_at
    assert store.version("small", 2).text == EDITED
    assert store.journeys() == [record]


def test_a_save_based_on_a_stale_version_is_refused_and_writes_nothing(
    store: Store, ana: User, bob: User
) -> None:
    with pytest.raises(VersionConflict):  # "a new journey" while one exists is stale too
        store.import_journey("small", JOURNEY_YAML, author_id=ana.id, expected=0)
        store.import_journey("small", EDITED, author_id=bob.id, expected=0)
    assert store.import_journey("small", EDITED, author_id=bob.id, expected=1).number == 2
    with pytest.raises(VersionConflict) as conflict:
        store.import_journey("small", "# ana\n" + JOURNEY_YAML, author_id=ana.id, expected=1)
    assert (conflict.value.expected, conflict.value.latest) == (1, 2)
    assert "version 2 is the latest" in str(conflict.value)
    assert [v.number for v in store.versions("small")] == [2, 1]


def test_an_invalid_map_is_refused_with_its_location_and_no_version(
    store: Store, ana: User
) -> None:
    store.import_journey("small", JOURNEY_YAML, author_id=ana.id)
    broken = JOURNEY_YAML.replace("channel: social_network", "channel: pigeon")
    with pytest.raises(JourneyValidationError) as error:
        store.import_journey("small", broken, author_id=ana.id)
    problem = error.value.problems[0]
    assert (problem.file, problem.line) == ("small.yaml", 8)
    with pytest.raises(JourneyFileError, match=r"small\.yaml:3"):
        store.import_journey("small", "id: small\nname: x\n  - bad: [", author_id=ana.id)
    assert [v.number for v in store.versions("small")] == [1]
    with pytest.raises(JourneyFileError):
        store.import_journey("new", "", author_id=ana.id)
    assert store.journey("new") is None


def test_diff_between_any_two_versions_is_readable(store: Store, ana: User) -> None:
    store.import_journey("small", JOURNEY_YAML, author_id=ana.id)
    store.import_journey("small", EDITED, author_id=ana.id)
    diff = store.diff("small", 1, 2)
    assert diff.to_text().splitlines() == [
        "small: version 1 -> 2",
        "+ stage compare",
        "~ touchpoint ad (name)",
    ]
    assert diff.to_dict()["changes"][0] == {
        "kind": "added",
        "what": "stage",
        "id": "compare",
        "fields": [],
    }
    assert not store.diff("small", 2, 2).diff
    assert "- stage compare" in store.diff("small", 2, 1).to_text()
    with pytest.raises(StoreError, match="has no version 7; its versions are 1 to 2"):
        store.diff("small", 1, 7)


def test_restore_makes_a_new_version_with_the_old_text(store: Store, ana: User, bob: User) -> None:
    store.import_journey("small", JOURNEY_YAML, author_id=ana.id)
    store.import_journey("small", EDITED, author_id=ana.id)
    restored = store.restore("small", 1, author_id=bob.id)
    assert (restored.number, restored.text) == (3, JOURNEY_YAML)
    assert (restored.author, restored.message) == ("bob@example.org", "restored version 1")
    assert [v.number for v in store.versions("small")] == [3, 2, 1]
    assert store.version("small", 2).text == EDITED  # the history is kept
    assert store.restore("small", 3, author_id=bob.id).number == 3  # already the latest text


def test_unknown_journeys_and_bad_keys(store: Store, ana: User) -> None:
    assert store.journey("nowhere") is None
    with pytest.raises(StoreError, match="no journey 'nowhere' in the store; import it first"):
        store.version("nowhere")
    with pytest.raises(StoreError, match="no journey"):
        store.versions("nowhere")
    for key in ("", "../x", "a/b", "x" * 300, ".hidden", "bad."):
        with pytest.raises(StoreError, match="not a journey key"):
            store.import_journey(key, JOURNEY_YAML, author_id=ana.id)
    with pytest.raises(StoreError, match="no user"):
        store.import_journey("small", JOURNEY_YAML, author_id=999)
    assert store.journey("small") is None


def test_sync_workspace_imports_what_changed(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "ws" / "journeys"
    folder.mkdir(parents=True)
    sample = (SAMPLES / "sport_subscription.yaml").read_bytes()
    (folder / "sport_subscription.yaml").write_bytes(sample)
    (folder / "small.json").write_text(JOURNEY_JSON, encoding="utf-8")
    workspace = Workspace.open(tmp_path / "ws")
    made = store.sync_workspace(workspace)
    assert sorted((v.key, v.number, v.format) for v in made) == [
        ("small", 1, "json"),
        ("sport_subscription", 1, "yaml"),
    ]
    assert store.sync_workspace(workspace) == []
    (folder / "small.json").write_text(JOURNEY_JSON.replace("Découverte", "Éveil"), "utf-8")
    (made_again,) = store.sync_workspace(workspace)
    assert (made_again.key, made_again.number) == ("small", 2)
    assert made_again.message == "imported from small.json"
    record = store.journey("sport_subscription")
    assert record is not None and record.title_en == "PulseFit — online sports subscription"
    exported = store.export_journey("sport_subscription", tmp_path / "again.yaml")
    assert exported.read_bytes() == sample


def test_sync_reports_a_file_that_is_not_utf8(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "journeys"
    folder.mkdir()
    shutil.copy(SAMPLES / "rainstorm.yaml", folder / "rainstorm.yaml")
    (folder / "latin.yaml").write_bytes("id: x\nname: Pr\xe9\n".encode("latin-1"))
    with pytest.raises(JourneyFileError, match=r"latin.yaml:2:\d+: the file is not valid UTF-8"):
        store.sync_workspace(Workspace.open(tmp_path))
