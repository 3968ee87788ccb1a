"""Accounts: users, password rules, logins and their throttling (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from parcours.errors import AuthenticationError, LoginThrottled, PasswordRejected, StoreError
from parcours.store import FAILURE_WINDOW, MAX_FAILURES, MIN_LENGTH, Store, User
from parcours.store import schema as t
from parcours.store.accounts import ATTEMPTS_KEPT

from .conftest import PASSWORD, Clock


def test_no_account_exists_until_one_is_added(store: Store) -> None:
    assert not store.has_users()
    assert store.users() == []
    user = store.add_user("  Ana@Example.ORG ", PASSWORD, name="Ana", admin=True)
    assert store.has_users()
    assert (user.email, user.name, user.admin) == ("ana@example.org", "Ana", True)
    assert store.users() == [user]
    assert store.user(user.id) == user
    assert store.user(user.id + 100) is None
    assert user.to_dict()["created_at"].startswith("2026-03-02T09:00")


def test_an_email_is_taken_once(store: Store, ana: User) -> None:
    with pytest.raises(StoreError, match="exists already"):
        store.add_user("ANA@example.org", "another long enough secret")
    with pytest.raises(StoreError, match="not an email"):
        store.add_user("ana.example.org", "another long enough secret")


def test_the_password_is_stored_as_an_argon2_hash(store: Store, ana: User) -> None:
    with store.engine.connect() as connection:
        stored = connection.execute(sa.select(t.users.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


@pytest.mark.parametrize(
    ("password", "reason", "says"),
    [
        ("short one", "too_short", f"at least {MIN_LENGTH}"),
        ("x" * 129 + "yz", "too_long", "at most 128"),
        ("password", "too_short", "at least 12"),
        ("qwertyuiop12", "common", "common"),
        ("Password1234!", "common", "common"),
        ("!!sunshine2024", "common", "common"),
        ("monkeymonkey", "common", "common"),
        ("aaaaaaaaaaaaaaaa", "common", "common"),
        ("123456789012", "common", "common"),
        ("zoe@example.org", "email", "email"),
    ],
)
def test_weak_passwords_are_refused_saying_why(
    store: Store, password: str, reason: str, says: str
) -> None:
    with pytest.raises(PasswordRejected, match=says) as refused:
        store.add_user("zoe@example.org", password)
    assert refused.value.reason == reason
    assert refused.value.message_fr
    assert not store.has_users()


@pytest.mark.parametrize(
    "password", ["correct horse battery", "été à la plage, 3 fois", "🦊🦊 renard rusé 2026"]
)
def test_long_uncommon_passwords_of_any_characters_are_taken(store: Store, password: str) -> None:
    user = store.add_user("zoe@example.org", password)
    assert store.authenticate("zoe@example.org", password) == user


def test_authenticate_says_the_same_for_an_unknown_email_and_a_wrong_password(
    store: Store, ana: User
) -> None:
    assert store.authenticate("ANA@example.org", PASSWORD, client="10.0.0.1") == ana
    with pytest.raises(AuthenticationError) as wrong:
        store.authenticate("ana@example.org", "not the password at all")
    with pytest.raises(AuthenticationError) as unknown:
        store.authenticate("nobody@example.org", "not the password at all")
    assert str(wrong.value) == str(unknown.value)
    with pytest.raises(AuthenticationError):  # a huge password is refused without hashing it
        store.authenticate("ana@example.org", PASSWORD * 100_000)
    with store.engine.connect() as connection:
        attempts = connection.execute(
            sa.select(
                t.login_attempts.c.email, t.login_attempts.c.client, t.login_attempts.c.outcome
            ).order_by(t.login_attempts.c.id)
        ).all()
    assert [tuple(a) for a in attempts] == [
        ("ana@example.org", "10.0.0.1", "success"),
        ("ana@example.org", "", "failure"),
        ("nobody@example.org", "", "failure"),
        ("ana@example.org", "", "failure"),
    ]


def test_five_failures_throttle_the_account_until_the_window_passes(
    store: Store, ana: User, clock: Clock
) -> None:
    for _ in range(MAX_FAILURES):
        with pytest.raises(AuthenticationError):
            store.authenticate("ana@example.org", "guess guess guess")
        clock.advance(minutes=1)
    # the right password is refused too: it is not even checked
    with pytest.raises(LoginThrottled) as throttled:
        store.authenticate("ana@example.org", PASSWORD)
    # failures at 0, 1, 2, 3 and 4 minutes, now is 5: the first leaves the window at 15
    assert throttled.value.retry_after == FAILURE_WINDOW.total_seconds() - 5 * 60 == 600
    assert "try again in 600 seconds" in str(throttled.value)
    # another account is not throttled
    other = store.add_user("bea@example.org", "tangerine piano lighthouse")
    assert store.authenticate("bea@example.org", "tangerine piano lighthouse") == other
    clock.advance(seconds=throttled.value.retry_after)
    assert store.authenticate("ana@example.org", PASSWORD) == ana


def test_an_unknown_email_is_throttled_like_an_account(store: Store) -> None:
    for _ in range(MAX_FAILURES):
        with pytest.raises(AuthenticationError):
            store.authenticate("ghost@example.org", "guess guess guess")
    with pytest.raises(LoginThrottled):
        store.authenticate("ghost@example.org", "guess guess guess")


def test_a_success_clears_the_failures(store: Store, ana: User, clock: Clock) -> None:
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(AuthenticationError):
            store.authenticate("ana@example.org", "guess guess guess")
    clock.advance(seconds=1)
    store.authenticate("ana@example.org", PASSWORD)
    clock.advance(seconds=1)
    with pytest.raises(AuthenticationError):  # one failure since the success: not throttled
        store.authenticate("ana@example.org", "guess guess guess")


def test_old_login_attempts_are_removed_as_new_ones_are_written(
    store: Store, ana: User, clock: Clock
) -> None:
    def attempts() -> list[str]:
        with store.engine.connect() as connection:
            query = sa.select(t.login_attempts.c.email).order_by(t.login_attempts.c.id)
            return list(connection.execute(query).scalars())

    with pytest.raises(AuthenticationError):
        store.authenticate("ghost@example.org", "guess guess guess")
    store.authenticate("ana@example.org", PASSWORD)
    clock.advance(days=ATTEMPTS_KEPT.days, seconds=-1)
    with pytest.raises(AuthenticationError):
        store.authenticate("bea@example.org", "guess guess guess")
    assert attempts() == ["ghost@example.org", "ana@example.org", "bea@example.org"]
    clock.advance(seconds=2)  # the first two are older than ATTEMPTS_KEPT now
    for _ in range(MAX_FAILURES):
        with pytest.raises(AuthenticationError):
            store.authenticate("ana@example.org", "guess guess guess")
    assert attempts() == ["bea@example.org", *["ana@example.org"] * MAX_FAILURES]
    with pytest.raises(LoginThrottled):  # what throttling reads is kept
        store.authenticate("ana@example.org", PASSWORD)


def test_set_password_closes_the_sessions(store: Store, ana: User) -> None:
    token, _ = store.open_session(ana.id)
    with pytest.raises(PasswordRejected):
        store.set_password(ana.id, "letmein")
    assert store.session_for(token) is not None
    store.set_password(ana.id, "a brand new passphrase")
    assert store.session_for(token) is None
    with pytest.raises(AuthenticationError):
        store.authenticate("ana@example.org", PASSWORD)
    assert store.authenticate("ana@example.org", "a brand new passphrase") == ana
    with pytest.raises(StoreError, match="no user"):
        store.set_password(999, "a brand new passphrase")


def test_remove_user_ends_their_sessions_and_roles(store: Store, ana: User, bob: User) -> None:
    token, _ = store.open_session(bob.id)
    store.grant(bob.id, "editor")
    store.remove_user(bob.id)
    assert store.session_for(token) is None
    assert store.user(bob.id) is None
    assert store.grants(bob.id) == []
    assert store.users() == [ana]
    with pytest.raises(StoreError, match="no user"):
        store.remove_user(bob.id)
