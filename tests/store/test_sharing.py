"""Share links (hashed tokens, expiry, revocation), comments and opportunity tracking on SQLite
and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from parcours.errors import StoreError
from parcours.store import SHARE_TTL, Store, User

from .conftest import Clock
from .test_access import database_text


def test_a_share_link_opens_one_journey_until_it_expires(
    store: Store, ana: User, small: str, clock: Clock
) -> None:
    token, link = store.create_share(small, created_by=ana.id)
    assert (link.journey, link.created_by, link.revoked_at) == ("small", ana.id, None)
    assert link.expires_at - link.created_at == SHARE_TTL
    assert token not in database_text(store)
    assert store.share_for(token) == link
    assert store.share_for(token + "x") is None
    clock.advance(days=7)
    assert store.share_for(token) is None


def test_a_revoked_share_link_no_longer_opens(store: Store, ana: User, small: str) -> None:
    token, link = store.create_share(small, created_by=ana.id, expires_in=timedelta(hours=1))
    other, _ = store.create_share(small, created_by=ana.id)
    store.revoke_share(link.id)
    assert store.share_for(token) is None
    assert store.share_for(other) is not None
    listed = store.shares(small)
    assert [s.id for s in listed] == [link.id + 1, link.id]
    assert listed[1].revoked_at is not None
    store.revoke_share(link.id)  # twice is fine
    with pytest.raises(StoreError, match="no share link"):
        store.revoke_share(999)
    with pytest.raises(StoreError, match="no journey"):
        store.create_share("nowhere", created_by=ana.id)
    anonymous, _ = store.create_share(small, created_by=None)  # the local user, no accounts
    assert store.share_for(anonymous).created_by is None  # type: ignore[union-attr]
    with pytest.raises(StoreError, match="no user"):
        store.create_share(small, created_by=999)
    with pytest.raises(StoreError, match="must last"):
        store.create_share(small, created_by=ana.id, expires_in=timedelta(0))


def test_comments(store: Store, ana: User, bob: User, small: str, clock: Clock) -> None:
    first = store.add_comment(
        small, ana.id, "Le paiement est trop long", target="buy", anchor_kind="stage"
    )
    clock.advance(minutes=1)
    second = store.add_comment(small, bob.id, "D'accord **<b>**")
    assert (first.author, first.target, first.journey) == ("ana@example.org", "buy", "small")
    assert store.comments(small) == [first, second]
    assert second.body == "D'accord **<b>**"
    with pytest.raises(StoreError, match="needs some text"):
        store.add_comment(small, ana.id, "  ")
    store.remove_user(bob.id)
    assert store.comments(small)[1].author is None  # the comment stays, without its author


def test_opportunity_tracking(store: Store, ana: User, small: str, clock: Clock) -> None:
    opened = store.track_opportunity(small, "one-click-payment")
    assert (opened.status, opened.owner_id, opened.due) == ("idea", None, None)
    clock.advance(days=1)
    moved = store.track_opportunity(
        small, "one-click-payment", status="in_progress", owner_id=ana.id, due=date(2026, 4, 1)
    )
    store.track_opportunity(small, "chatbot", status="planned")
    assert store.opportunities(small) == [
        store.opportunities(small)[0],
        moved,
    ]
    assert [o.key for o in store.opportunities(small)] == ["chatbot", "one-click-payment"]
    assert moved.to_dict()["due"] == "2026-04-01"
    with pytest.raises(StoreError, match="not an opportunity status; use one of idea"):
        store.track_opportunity(small, "chatbot", status="someday")
    with pytest.raises(StoreError, match="no user"):
        store.track_opportunity(small, "chatbot", owner_id=999)
