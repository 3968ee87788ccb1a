"""Access: server-side sessions (revocable, with expiry and idle timeout) and roles.

A session's token is returned once, by :meth:`Access.open_session`; the store keeps only its
SHA-256, so a copy of the database does not let anyone in. Each session carries its own CSRF
token for the forms of the web app.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from parcours.errors import StoreError
from parcours.store import schema as t
from parcours.store.base import StoreBase, check_key, sha256
from parcours.store.records import Grant, Session, User, Visit
from parcours.store.roles import Role, strongest

SESSION_TTL = timedelta(hours=12)
#: A session unused for this long is closed.
IDLE_TIMEOUT = timedelta(hours=2)
#: ``last_seen`` is written at most this often, so that reading pages does not write each time.
SEEN_EVERY = timedelta(seconds=60)
WORKSPACE = ""  # the scope of a grant on the whole workspace


def _session(row: Any) -> Session:
    return Session(row.id, row.user_id, row.csrf_token, row.created_at, row.expires_at)


class Access(StoreBase):
    def open_session(self, user_id: int, *, ttl: timedelta = SESSION_TTL) -> tuple[str, Session]:
        """A new session for ``user_id``: (its token, to give the browser once; the session)."""
        token = secrets.token_urlsafe(32)
        now = self.now()
        with self._write() as connection:
            self._user_exists(connection, user_id)
            row = connection.execute(
                t.sessions.insert()
                .values(
                    user_id=user_id,
                    token_hash=sha256(token),
                    csrf_token=secrets.token_urlsafe(32),
                    created_at=now,
                    expires_at=now + ttl,
                    last_seen=now,
                )
                .returning(t.sessions)
            ).one()
        return token, _session(row)

    def visit(self, token: str) -> Visit | None:
        """The session of ``token`` with its user and the user's roles, in one query; None when
        the token is unknown, expired, idle for more than :data:`IDLE_TIMEOUT`, or closed. A
        session's ``last_seen`` is written at most once per :data:`SEEN_EVERY`."""
        now = self.now()
        s, u, g = t.sessions.c, t.users.c, t.grants.c
        query = (
            sa.select(
                t.sessions,
                u.email,
                u.name,
                u.admin,
                u.created_at.label("user_created"),
                g.role,
                g.scope,
            )
            .join(t.users, u.id == s.user_id)
            .outerjoin(t.grants, g.user_id == s.user_id)
            .where(s.token_hash == sha256(token), s.revoked_at.is_(None), s.expires_at > now)
        )
        with self._peek() as connection:
            rows = connection.execute(query).all()
        if not rows or rows[0].last_seen + IDLE_TIMEOUT <= now:
            return None
        row = rows[0]
        if now - row.last_seen >= SEEN_EVERY:
            with self._write() as connection:
                connection.execute(t.sessions.update().where(s.id == row.id).values(last_seen=now))
        user = User(row.user_id, row.email, row.name, bool(row.admin), row.user_created)
        grants = tuple(
            Grant(user.id, Role(r.role), r.scope or None) for r in rows if r.role is not None
        )
        return Visit(user, _session(row), grants)

    def session_for(self, token: str) -> tuple[User, Session] | None:
        """The user and session of ``token`` (see :meth:`visit`)."""
        found = self.visit(token)
        return (found.user, found.session) if found else None

    def close_session(self, token: str) -> None:
        """Log out: the session of ``token`` can no longer be used."""
        with self._write() as connection:
            connection.execute(
                t.sessions.update()
                .where(t.sessions.c.token_hash == sha256(token), t.sessions.c.revoked_at.is_(None))
                .values(revoked_at=self.now())
            )

    def close_sessions(self, user_id: int) -> None:
        """Close every session of ``user_id``."""
        with self._write() as connection:
            connection.execute(
                t.sessions.update()
                .where(t.sessions.c.user_id == user_id, t.sessions.c.revoked_at.is_(None))
                .values(revoked_at=self.now())
            )

    def grant(self, user_id: int, role: Role | str, journey: str | None = None) -> Grant:
        """Give ``user_id`` the ``role`` on ``journey`` (None: the whole workspace), in place of
        the role they had there."""
        try:
            role = Role(role)
        except ValueError:
            raise StoreError(
                f"{role!r} is not a role; use one of {', '.join(r.value for r in Role)}"
            ) from None
        scope = WORKSPACE if journey is None else check_key(journey)
        g = t.grants.c
        with self._write() as connection:
            self._user_exists(connection, user_id)
            if journey is not None:
                self._journey_id(connection, journey)
            connection.execute(t.grants.delete().where(g.user_id == user_id, g.scope == scope))
            connection.execute(
                t.grants.insert().values(user_id=user_id, scope=scope, role=role.value)
            )
        return Grant(user_id, role, journey)

    def revoke(self, user_id: int, journey: str | None = None) -> None:
        """Take back the role of ``user_id`` on ``journey`` (None: on the workspace)."""
        scope = WORKSPACE if journey is None else check_key(journey)
        g = t.grants.c
        with self._write() as connection:
            connection.execute(t.grants.delete().where(g.user_id == user_id, g.scope == scope))

    def role_for(self, user_id: int, journey: str | None) -> Role | None:
        """The role of ``user_id`` on ``journey``: the stronger of their workspace role and
        their role on that journey (on the workspace alone when ``journey`` is None)."""
        scopes = [WORKSPACE] if journey is None else [WORKSPACE, journey]
        g = t.grants.c
        with self._read() as connection:
            roles = connection.execute(
                sa.select(g.role).where(g.user_id == user_id, g.scope.in_(scopes))
            ).scalars()
            return strongest(*(Role(r) for r in roles))

    def grants(self, user_id: int) -> list[Grant]:
        """The roles of ``user_id``: the workspace's first, then by journey."""
        g = t.grants.c
        with self._read() as connection:
            rows = connection.execute(
                sa.select(g.role, g.scope).where(g.user_id == user_id).order_by(g.scope)
            )
            return [Grant(user_id, Role(row.role), row.scope or None) for row in rows]
