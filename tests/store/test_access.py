"""Sessions (expiry, idle timeout, revocation, hashed tokens) and roles on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from parcours.errors import StoreError
from parcours.store import IDLE_TIMEOUT, SESSION_TTL, Grant, Role, Store, User

from .conftest import JOURNEY_YAML, Clock


def database_text(store: Store) -> str:
    """Every value of every table, as one text: what a stolen copy of the database shows."""
    found = []
    with store.engine.connect() as connection:
        names = sa.inspect(connection).get_table_names()
        for name in names:
            for row in connection.execute(sa.text(f'SELECT * FROM "{name}"')):
                found.extend(map(str, row))
    return "\n".join(found)


def test_a_session_token_is_given_once_and_stored_hashed(store: Store, ana: User) -> None:
    token, session = store.open_session(ana.id)
    assert len(token) >= 43 and session.user_id == ana.id
    assert session.expires_at - session.created_at == SESSION_TTL
    assert len(session.csrf_token) >= 43 and session.csrf_token != token
    assert token not in database_text(store)
    assert store.session_for(token) == (ana, session)
    other, _ = store.open_session(ana.id)
    assert other != token
    assert store.session_for("not a token") is None
    with pytest.raises(StoreError, match="no user"):
        store.open_session(999)


def test_a_session_expires(store: Store, ana: User, clock: Clock) -> None:
    token, _ = store.open_session(ana.id, ttl=SESSION_TTL)
    for _ in range(11):  # used every hour: never idle, but 12 hours is the end
        clock.advance(hours=1)
        assert store.session_for(token) is not None
    clock.advance(hours=1)
    assert store.session_for(token) is None


def test_an_idle_session_ends_and_use_keeps_it_alive(store: Store, ana: User, clock: Clock) -> None:
    token, _ = store.open_session(ana.id)
    clock.advance(hours=1, minutes=50)
    assert store.session_for(token) is not None  # seen: the idle time starts again
    clock.advance(hours=1, minutes=50)
    assert store.session_for(token) is not None
    clock.advance(seconds=IDLE_TIMEOUT.total_seconds())
    assert store.session_for(token) is None


def test_logout_and_closing_every_session(store: Store, ana: User, bob: User) -> None:
    first, _ = store.open_session(ana.id)
    second, _ = store.open_session(ana.id)
    bobs, _ = store.open_session(bob.id)
    store.close_session(first)
    assert store.session_for(first) is None
    assert store.session_for(second) is not None
    store.close_sessions(ana.id)
    assert store.session_for(second) is None
    assert store.session_for(bobs) is not None


def test_roles_on_the_workspace_and_on_a_journey(store: Store, ana: User, bob: User) -> None:
    store.import_journey("small", JOURNEY_YAML, author_id=ana.id)
    assert store.role_for(bob.id, None) is None
    assert store.role_for(bob.id, "small") is None
    assert store.grant(bob.id, "viewer") == Grant(bob.id, Role.VIEWER, None)
    assert store.role_for(bob.id, "small") is Role.VIEWER
    store.grant(bob.id, Role.EDITOR, "small")
    assert store.role_for(bob.id, "small") is Role.EDITOR  # the stronger of the two
    assert store.role_for(bob.id, None) is Role.VIEWER
    assert store.role_for(bob.id, "other") is Role.VIEWER
    store.grant(bob.id, "owner")  # replaces the workspace role
    assert store.role_for(bob.id, "small") is Role.OWNER
    assert store.grants(bob.id) == [
        Grant(bob.id, Role.OWNER, None),
        Grant(bob.id, Role.EDITOR, "small"),
    ]
    store.revoke(bob.id)
    assert store.role_for(bob.id, "small") is Role.EDITOR
    assert store.role_for(bob.id, None) is None
    store.revoke(bob.id, "small")
    assert store.grants(bob.id) == []


def test_a_grant_names_a_real_role_user_and_journey(store: Store, bob: User) -> None:
    with pytest.raises(StoreError, match="not a role; use one of owner, editor"):
        store.grant(bob.id, "superuser")
    with pytest.raises(StoreError, match="no journey 'nowhere'"):
        store.grant(bob.id, "viewer", "nowhere")
    with pytest.raises(StoreError, match="no user"):
        store.grant(999, "viewer")
    with pytest.raises(StoreError, match="not a journey key"):
        store.grant(bob.id, "viewer", "../etc/passwd")


def statements(store: Store) -> list[str]:
    """The SQL statements the store sends from now on (BEGIN and COMMIT left out)."""
    sent: list[str] = []

    @sa.event.listens_for(store.engine, "before_cursor_execute")
    def _sent(_c, _cursor, statement, _params, _context, _many):  # type: ignore[no-untyped-def]
        if statement.split()[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK"):
            sent.append(statement.split()[0].upper())

    return sent


def test_a_visit_reads_session_user_and_roles_at_once_and_writes_rarely(
    store: Store, ana: User, bob: User, clock: Clock
) -> None:
    """What every page asks: one query, and ``last_seen`` written at most once a minute."""
    store.import_journey("small", JOURNEY_YAML, author_id=ana.id)
    store.grant(bob.id, "viewer")
    store.grant(bob.id, "editor", "small")
    token, session = store.open_session(bob.id)
    stored_role = store.role_for(bob.id, "small")
    sent = statements(store)
    visit = store.visit(token)
    assert visit is not None and (visit.user, visit.session) == (bob, session)
    assert (visit.role(None), visit.role("small"), visit.role("other")) == (
        Role.VIEWER,
        Role.EDITOR,
        Role.VIEWER,
    )
    assert visit.role("small") is stored_role
    assert visit.to_dict()["grants"][0]["role"] == "viewer"
    clock.advance(seconds=59)
    assert store.visit(token) is not None
    assert sent == ["SELECT", "SELECT"]
    clock.advance(seconds=2)
    assert store.visit(token) is not None and store.visit(token) is not None
    assert sent == ["SELECT", "SELECT", "SELECT", "UPDATE", "SELECT"]
    clock.advance(hours=1, minutes=59)  # idle since the write a minute after opening
    assert store.visit(token) is not None
    visitor, _ = store.open_session(ana.id)  # an admin with no grant
    found = store.visit(visitor)
    assert found is not None and found.grants == () and found.user.admin
