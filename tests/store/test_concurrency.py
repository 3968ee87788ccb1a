"""Threads that write and read the store at once all succeed (SQLite takes its write lock at the
start of a write transaction; PostgreSQL has its own)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from parcours.store import Store, User

from .conftest import JOURNEY_YAML


def test_concurrent_sessions_and_versions(store: Store, ana: User) -> None:
    store.import_journey("small", JOURNEY_YAML, author_id=ana.id)

    def work(worker: int) -> list[bool]:
        seen = []
        for i in range(10):
            token, _ = store.open_session(ana.id)
            seen.append(store.session_for(token) is not None)
            text = JOURNEY_YAML.replace("Petit parcours", f"Petit parcours {worker}-{i}")
            store.import_journey("small", text, author_id=ana.id)
            store.track_opportunity("small", f"o{worker}", status="idea")
        return seen

    with ThreadPoolExecutor(8) as pool:
        results = [ok for seen in pool.map(work, range(8)) for ok in seen]
    assert results == [True] * 80
    assert [v.number for v in store.versions("small")] == list(range(81, 0, -1))
    assert len(store.opportunities("small")) == 8


def test_the_first_import_of_a_journey_at_once(store: Store, ana: User) -> None:
    def first(worker: int) -> int:
        version = store.import_journey("small", JOURNEY_YAML, author_id=ana.id)
        store.track_opportunity("small", "same", status="planned", owner_id=ana.id)
        return version.number

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(first, range(8))) == [1] * 8
    assert [o.key for o in store.opportunities("small")] == ["same"]
