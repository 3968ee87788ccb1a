"""Comments: threads, anchors, @mentions of the journey's members, resolve and reopen (SQLite
and PostgreSQL)."""

from __future__ import annotations

import pytest

from parcours.errors import StoreError
from parcours.store import Role, Store, User
from parcours.store.comments import mentioned

from .conftest import PASSWORD


def test_a_thread_anchored_to_a_touchpoint(store: Store, ana: User, bob: User, small: str) -> None:
    first = store.add_comment(small, ana.id, "Trop de pubs", anchor_kind="touchpoint", target="ad")
    reply = store.add_comment(small, bob.id, "D'accord", parent_id=first.id)
    again = store.add_comment(small, ana.id, "Alors on coupe", parent_id=reply.id)
    assert (reply.parent_id, reply.anchor_kind, reply.target) == (first.id, "touchpoint", "ad")
    assert again.parent_id == first.id  # a reply to a reply joins the thread
    assert [c.id for c in store.comments(small)] == [first.id, reply.id, again.id]
    whole = store.add_comment(small, bob.id, "Bonne carte")
    assert (whole.anchor_kind, whole.target) == ("journey", "")
    with pytest.raises(StoreError, match="not an anchor"):
        store.add_comment(small, ana.id, "x", anchor_kind="planet", target="mars")
    with pytest.raises(StoreError, match="needs the element's id"):
        store.add_comment(small, ana.id, "x", anchor_kind="stage")
    with pytest.raises(StoreError, match="no comment 999"):
        store.add_comment(small, ana.id, "x", parent_id=999)
    with pytest.raises(StoreError, match="at most"):
        store.add_comment(small, ana.id, "x" * 10_001)


def test_mentions_are_the_journeys_members(store: Store, ana: User, bob: User, small: str) -> None:
    outsider = store.add_user("zoe@example.org", PASSWORD)
    lea = store.add_user("lea.martin@example.org", PASSWORD, name="Léa Martin")
    store.grant(bob.id, Role.COMMENTER, small)
    store.grant(lea.id, Role.VIEWER)  # on the whole workspace
    assert [u.email for u in store.members(small)] == [
        "ana@example.org",  # the admin
        "bob@example.org",
        "lea.martin@example.org",
    ]
    body = "@bob et @LéaMartin, voyez ; @zoe@example.org n'y est pas, ni me@@bob. Écrire à x@ana"
    comment = store.add_comment(small, ana.id, body)
    assert comment.mentions == ("bob@example.org", "lea.martin@example.org")
    assert [c.id for c in store.mentions_of(bob.id)] == [comment.id]
    assert store.mentions_of(outsider.id) == []
    full = store.add_comment(small, bob.id, "merci @ana@example.org.")
    assert full.mentions == ("ana@example.org",)
    assert [c.id for c in store.mentions_of(ana.id)] == [full.id]
    assert [u.email for u in mentioned("@ana @ana", store.members(small))] == ["ana@example.org"]


def test_resolve_and_reopen_a_thread(store: Store, ana: User, bob: User, small: str) -> None:
    first = store.add_comment(
        small, ana.id, "Le paiement bloque", anchor_kind="stage", target="buy"
    )
    reply = store.add_comment(small, bob.id, "Corrigé", parent_id=first.id)
    resolved = store.resolve_comment(reply.id, bob.id)  # resolving a reply resolves the thread
    assert resolved.id == first.id and resolved.resolved
    assert resolved.resolved_by == "bob@example.org"
    assert store.comment(first.id).resolved  # type: ignore[union-attr]
    reopened = store.resolve_comment(first.id, ana.id, resolved=False)
    assert not reopened.resolved and reopened.resolved_by is None
    with pytest.raises(StoreError, match="no comment"):
        store.resolve_comment(12345, ana.id)
