"""Opportunity follow-up on the board, dismissed findings, and accepting a finding in one step
(a new version holds its pain point and opportunity; a concurrent save is retried)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from parcours.errors import StoreError, VersionConflict
from parcours.insight.accept import proposals
from parcours.store import Store, User

from .conftest import JOURNEY_YAML, Clock

FINDINGS: list[dict[str, Any]] = [
    {
        "rank": 1,
        "kind": "incident",
        "where": {"stage": "buy", "touchpoint": None, "events": ["pay"]},
        "period": {"start": "2026-02-02", "end": "2026-02-15"},
        "segment": {"channel": "web"},
        "cost": 120.0,
        "summary": {"fr": "Le paiement a chuté", "en": "Payment dropped"},
        "evidence": {"journey": "small"},
    },
    {
        "rank": 2,
        "kind": "loop",
        "where": {"stage": "discover", "touchpoint": "ad", "events": []},
        "period": None,
        "segment": None,
        "cost": 10.0,
        "summary": {"fr": "Boucle", "en": "Loop"},
        "evidence": {"journey": "small"},
    },
]


def test_board_moves_keep_the_other_fields(
    store: Store, ana: User, small: str, clock: Clock
) -> None:
    first = store.track_opportunity(small, "chat", importance=4, urgency=2, owner_id=ana.id)
    assert (first.status, first.importance, first.urgency, first.owner_id) == ("idea", 4, 2, ana.id)
    moved = store.track_opportunity(small, "chat", urgency=5)
    assert (moved.importance, moved.urgency, moved.owner_id) == (4, 5, ana.id)
    done = store.track_opportunity(small, "chat", status="done")
    assert done.done_on == clock.now.date()
    clock.advance(days=3)
    assert store.track_opportunity(small, "chat", due=date(2026, 4, 1)).done_on == done.done_on
    dated = store.track_opportunity(small, "chat", status="done", done_on=date(2026, 2, 1))
    assert dated.done_on == date(2026, 2, 1)
    assert store.track_opportunity(small, "chat", status="in_progress").done_on is None
    with pytest.raises(StoreError, match="from 1 to 5"):
        store.track_opportunity(small, "chat", importance=6)


def test_dismissed_findings_are_remembered(store: Store, ana: User, small: str) -> None:
    store.dismiss_finding(small, "loop-1234", user_id=ana.id)
    store.dismiss_finding(small, "loop-1234", user_id=ana.id)
    assert store.dismissed(small) == {"loop-1234"}


def test_accepting_a_finding_in_one_step(store: Store, ana: User, small: str) -> None:
    wanted = proposals(FINDINGS)[0].pain_point.id
    accepted = store.accept_finding(small, FINDINGS, wanted, author_id=ana.id)
    version = store.version(small)
    assert version.number == accepted.version == 2
    assert version.author == "ana@example.org"
    assert wanted in version.message and accepted.opportunity in version.message
    stage = next(s for s in version.journey.stages if s.id == "buy")
    assert [p.id for p in stage.pain_points] == [wanted]
    opportunity = next(o for o in version.journey.opportunities if o.id == accepted.opportunity)
    assert opportunity.addresses == (wanted,)
    tracked = store.opportunities(small)
    assert [(o.key, o.status) for o in tracked] == [(accepted.opportunity, "idea")]
    assert (tracked[0].importance, tracked[0].urgency) == (5, 5)  # the costliest: critical
    # accepting it again changes nothing in the map
    assert store.accept_finding(small, FINDINGS, wanted, author_id=ana.id).version == 2
    with pytest.raises(StoreError, match="no finding"):
        store.accept_finding(small, FINDINGS, "nope", author_id=ana.id)


def test_accepting_retries_after_a_concurrent_save(
    store: Store, ana: User, small: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone saves the map between the read and the write: the accept reads it again, and
    both changes are in the final version."""
    real = Store.version
    calls = []

    def version_then_someone_saves(self: Store, key: str, number: int | None = None) -> Any:
        read = real(self, key, number)
        if not calls:
            calls.append(1)
            edited = JOURNEY_YAML.replace("Petit parcours", "Parcours édité")
            self.import_journey(key, edited, author_id=ana.id, expected=read.number)
        return read

    monkeypatch.setattr(Store, "version", version_then_someone_saves)
    wanted = proposals(FINDINGS)[1].pain_point.id
    accepted = store.accept_finding(small, FINDINGS, wanted, author_id=ana.id)
    final = real(store, small)
    assert accepted.version == final.number == 3
    assert "Parcours édité" in str(final.journey.name)
    assert wanted in {p.id for s in final.journey.stages for p in s.pain_points}
    with pytest.raises(VersionConflict):
        store.import_journey(small, JOURNEY_YAML, author_id=ana.id, expected=1)
