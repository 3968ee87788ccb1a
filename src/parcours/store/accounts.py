"""Accounts: users, their passwords, logins with throttling.

No account exists until one is added (``parcours user add --admin``). Emails are kept in lower
case and are unique. After :data:`MAX_FAILURES` failed logins for one email within
:data:`FAILURE_WINDOW`, logins for it are refused without checking the password until the
oldest of those failures leaves the window; a success clears the count. Attempts older than
:data:`ATTEMPTS_KEPT` are removed as new ones are recorded.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from parcours.errors import AuthenticationError, LoginThrottled, StoreError
from parcours.store import schema as t
from parcours.store.base import StoreBase
from parcours.store.passwords import (
    MAX_LENGTH,
    check_password,
    dummy_hash,
    hash_password,
    verify_password,
)
from parcours.store.records import User

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
#: Login attempts are kept this long (throttling reads the last :data:`FAILURE_WINDOW` only);
#: older ones are removed as new ones are written.
ATTEMPTS_KEPT = timedelta(days=7)
#: One message for a wrong password and an unknown email, so that emails cannot be probed.
WRONG = "wrong email or password (adresse ou mot de passe incorrect)"


def normalise_email(email: str) -> str:
    """The email as stored: trimmed, lower case; StoreError when it is not an email."""
    email = email.strip().lower()
    local, at, domain = email.partition("@")
    if not at or not local or not domain or len(email) > 320 or any(c.isspace() for c in email):
        raise StoreError(f"{email!r} is not an email address; write it as name@example.org")
    return email


def _user(row: Any) -> User:
    return User(row.id, row.email, row.name, bool(row.admin), row.created_at)


_USER_COLUMNS = (
    t.users.c.id,
    t.users.c.email,
    t.users.c.name,
    t.users.c.admin,
    t.users.c.created_at,
)


class Accounts(StoreBase):
    def add_user(
        self, email: str, password: str, *, name: str | None = None, admin: bool = False
    ) -> User:
        """A new account; PasswordRejected when the password breaks a rule, StoreError when
        the email is taken."""
        email = normalise_email(email)
        check_password(password, email)
        password_hash = hash_password(password)
        with self._write() as connection:
            if connection.execute(sa.select(t.users.c.id).where(t.users.c.email == email)).first():
                raise StoreError(
                    f"an account with the email {email!r} exists already; choose another email "
                    "or change its password"
                )
            row = connection.execute(
                t.users.insert()
                .values(
                    email=email,
                    name=name or None,
                    admin=admin,
                    password_hash=password_hash,
                    created_at=self.now(),
                )
                .returning(*_USER_COLUMNS)
            ).one()
        return _user(row)

    def has_users(self) -> bool:
        with self._peek() as connection:
            return connection.execute(sa.select(t.users.c.id).limit(1)).first() is not None

    def users(self) -> list[User]:
        with self._read() as connection:
            rows = connection.execute(sa.select(*_USER_COLUMNS).order_by(t.users.c.id))
            return [_user(row) for row in rows]

    def user(self, user_id: int) -> User | None:
        with self._read() as connection:
            row = connection.execute(
                sa.select(*_USER_COLUMNS).where(t.users.c.id == user_id)
            ).first()
        return _user(row) if row else None

    def user_by_email(self, email: str) -> User | None:
        with self._read() as connection:
            row = connection.execute(
                sa.select(*_USER_COLUMNS).where(t.users.c.email == email.strip().lower())
            ).first()
        return _user(row) if row else None

    def set_password(self, user_id: int, password: str) -> None:
        """Change a password; every session of the user is closed (log in again)."""
        user = self.user(user_id)
        if user is None:
            raise StoreError(f"no user with id {user_id}; see `parcours user list`")
        check_password(password, user.email)
        password_hash = hash_password(password)
        with self._write() as connection:
            connection.execute(
                t.users.update().where(t.users.c.id == user_id).values(password_hash=password_hash)
            )
            self._revoke_sessions(connection, user_id)

    def remove_user(self, user_id: int) -> None:
        """Remove an account: its sessions and roles go with it; its versions, comments and
        share links stay, without an author."""
        with self._write() as connection:
            self._user_exists(connection, user_id)
            self._revoke_sessions(connection, user_id)
            connection.execute(t.users.delete().where(t.users.c.id == user_id))

    def authenticate(self, email: str, password: str, *, client: str = "") -> User:
        """The user whose email and password these are. AuthenticationError (the same for an
        unknown email and a wrong password) or LoginThrottled (with ``retry_after`` seconds)
        otherwise. Every attempt is recorded in ``login_attempts``."""
        email = email.strip().lower()[:320]
        client = client[:200]
        now = self.now()
        with self._read() as connection:
            retry_after = self._throttled(connection, email, now)
            row = connection.execute(
                sa.select(*_USER_COLUMNS, t.users.c.password_hash).where(t.users.c.email == email)
            ).first()
        if retry_after:
            self._attempt(email, client, "throttled")
            raise LoginThrottled(retry_after)
        if row is None or len(password) > MAX_LENGTH:  # no stored password is that long
            verify_password(password[:MAX_LENGTH], dummy_hash())
            self._attempt(email, client, "failure")
            raise AuthenticationError(WRONG)
        valid, new_hash = verify_password(password, row.password_hash)
        if not valid:
            self._attempt(email, client, "failure")
            raise AuthenticationError(WRONG)
        with self._write() as connection:
            if new_hash:
                connection.execute(
                    t.users.update().where(t.users.c.id == row.id).values(password_hash=new_hash)
                )
            self._record(connection, email, client, "success")
        return _user(row)

    def _throttled(self, connection: sa.Connection, email: str, now: Any) -> int:
        """Seconds until ``email`` may try again; 0 when it may now."""
        a = t.login_attempts.c
        last_success = connection.execute(
            sa.select(sa.func.max(a.at)).where(a.email == email, a.outcome == "success")
        ).scalar()
        since = now - FAILURE_WINDOW
        if last_success is not None and last_success > since:
            since = last_success
        failures = (
            connection.execute(
                sa.select(a.at)
                .where(a.email == email, a.outcome == "failure", a.at > since)
                .order_by(a.at.desc())
                .limit(MAX_FAILURES)
            )
            .scalars()
            .all()
        )
        if len(failures) < MAX_FAILURES:
            return 0
        free_at = failures[-1] + FAILURE_WINDOW
        return max(1, int((free_at - now).total_seconds() + 0.999))

    def _attempt(self, email: str, client: str, outcome: str) -> None:
        with self._write() as connection:
            self._record(connection, email, client, outcome)

    def _record(self, connection: sa.Connection, email: str, client: str, outcome: str) -> None:
        """Record an attempt and remove those older than :data:`ATTEMPTS_KEPT`. Attempts are
        numbered in time order, so the oldest kept one is found by walking the primary key
        from its start over the few rows that have just aged out, never the whole table."""
        now = self.now()
        connection.execute(
            t.login_attempts.insert().values(email=email, client=client, outcome=outcome, at=now)
        )
        a = t.login_attempts.c
        oldest_kept = connection.execute(
            sa.select(a.id).where(a.at >= now - ATTEMPTS_KEPT).order_by(a.id).limit(1)
        ).scalar()
        connection.execute(t.login_attempts.delete().where(a.id < oldest_kept))

    def _revoke_sessions(self, connection: sa.Connection, user_id: int) -> None:
        connection.execute(
            t.sessions.update()
            .where(t.sessions.c.user_id == user_id, t.sessions.c.revoked_at.is_(None))
            .values(revoked_at=self.now())
        )
