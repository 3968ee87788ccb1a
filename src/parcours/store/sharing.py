"""Sharing and follow-up: read-only share links, comments, opportunity tracking.

A share link opens one journey, read-only, to whoever holds its token, until it expires or is
revoked. Like a session token, the link's token is returned once and stored as its SHA-256.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from parcours.errors import StoreError
from parcours.store import schema as t
from parcours.store.base import StoreBase, sha256
from parcours.store.records import OPPORTUNITY_STATUSES, Comment, ShareLink, TrackedOpportunity

SHARE_TTL = timedelta(days=7)
_S, _J, _C, _O, _U = t.share_links.c, t.journeys.c, t.comments.c, t.opportunities.c, t.users.c


def _share(row: Any) -> ShareLink:
    return ShareLink(
        row.id, row.key, row.created_by, row.created_at, row.expires_at, row.revoked_at
    )


_SHARE = sa.select(_S.id, _J.key, _S.created_by, _S.created_at, _S.expires_at, _S.revoked_at).join(
    t.journeys, _J.id == _S.journey_id
)


class Sharing(StoreBase):
    def create_share(
        self, journey: str, *, created_by: int | None, expires_in: timedelta = SHARE_TTL
    ) -> tuple[str, ShareLink]:
        """A read-only link to ``journey``: (its token, to put in the link once; the link).
        ``created_by`` is None for the local user of a store without accounts."""
        if expires_in <= timedelta(0):
            raise StoreError(f"a share link must last some time, not {expires_in}")
        token = secrets.token_urlsafe(32)
        now = self.now()
        with self._write() as connection:
            journey_id = self._journey_id(connection, journey)
            if created_by is not None:
                self._user_exists(connection, created_by)
            share_id = connection.execute(
                t.share_links.insert()
                .values(
                    journey_id=journey_id,
                    token_hash=sha256(token),
                    created_by=created_by,
                    created_at=now,
                    expires_at=now + expires_in,
                )
                .returning(_S.id)
            ).scalar_one()
            return token, _share(connection.execute(_SHARE.where(_S.id == share_id)).one())

    def share_for(self, token: str) -> ShareLink | None:
        """The share link of ``token``; None when it is unknown, expired or revoked."""
        with self._peek() as connection:
            row = connection.execute(
                _SHARE.where(
                    _S.token_hash == sha256(token),
                    _S.revoked_at.is_(None),
                    _S.expires_at > self.now(),
                )
            ).first()
        return _share(row) if row else None

    def revoke_share(self, share_id: int) -> None:
        with self._write() as connection:
            done = connection.execute(
                t.share_links.update()
                .where(_S.id == share_id, _S.revoked_at.is_(None))
                .values(revoked_at=self.now())
            )
            if (
                not done.rowcount
                and not connection.execute(sa.select(_S.id).where(_S.id == share_id)).first()
            ):
                raise StoreError(f"no share link with id {share_id}")

    def shares(self, journey: str) -> list[ShareLink]:
        """Every share link of ``journey`` (revoked and expired ones too), newest first."""
        with self._read() as connection:
            journey_id = self._journey_id(connection, journey)
            rows = connection.execute(
                _SHARE.where(_S.journey_id == journey_id).order_by(_S.id.desc())
            )
            return [_share(row) for row in rows]

    def add_comment(
        self, journey: str, author_id: int | None, body: str, *, target: str = ""
    ) -> Comment:
        """A comment on ``journey``, on the whole map or on one element (``target``: a stage,
        touchpoint or opportunity id)."""
        if not body.strip():
            raise StoreError("a comment needs some text")
        with self._write() as connection:
            journey_id = self._journey_id(connection, journey)
            if author_id is not None:
                self._user_exists(connection, author_id)
            comment_id = connection.execute(
                t.comments.insert()
                .values(
                    journey_id=journey_id,
                    author_id=author_id,
                    target=target[:200],
                    body=body,
                    created_at=self.now(),
                )
                .returning(_C.id)
            ).scalar_one()
            return self._comments(connection, _C.id == comment_id)[0]

    def comments(self, journey: str) -> list[Comment]:
        """The comments on ``journey``, oldest first."""
        with self._read() as connection:
            return self._comments(
                connection, _C.journey_id == self._journey_id(connection, journey)
            )

    def _comments(self, connection: sa.Connection, where: Any) -> list[Comment]:
        rows = connection.execute(
            sa.select(_C.id, _J.key, _C.author_id, _U.email, _C.target, _C.body, _C.created_at)
            .join(t.journeys, _J.id == _C.journey_id)
            .outerjoin(t.users, _U.id == _C.author_id)
            .where(where)
            .order_by(_C.id)
        )
        return [Comment(*row) for row in rows]

    def track_opportunity(
        self,
        journey: str,
        key: str,
        *,
        status: str = "open",
        owner_id: int | None = None,
        due: date | None = None,
    ) -> TrackedOpportunity:
        """Set the follow-up of opportunity ``key`` of ``journey`` (created on first use)."""
        if status not in OPPORTUNITY_STATUSES:
            raise StoreError(
                f"{status!r} is not an opportunity status; use one of "
                f"{', '.join(OPPORTUNITY_STATUSES)}"
            )
        if not key or len(key) > 200:
            raise StoreError(f"{key!r} is not an opportunity id")
        now = self.now()
        values = {"status": status, "owner_id": owner_id, "due": due, "updated_at": now}
        try:
            self._track(journey, key, values, now)
        except sa.exc.IntegrityError:  # created at the same time by another request
            self._track(journey, key, values, now)
        return TrackedOpportunity(journey, key, status, owner_id, due, now)

    def _track(self, journey: str, key: str, values: dict[str, Any], now: Any) -> None:
        owner_id = values["owner_id"]
        with self._write() as connection:
            journey_id = self._journey_id(connection, journey)
            if owner_id is not None:
                self._user_exists(connection, owner_id)
            done = connection.execute(
                t.opportunities.update()
                .where(_O.journey_id == journey_id, _O.key == key)
                .values(**values)
            )
            if not done.rowcount:
                connection.execute(
                    t.opportunities.insert().values(
                        journey_id=journey_id, key=key, created_at=now, **values
                    )
                )

    def opportunities(self, journey: str) -> list[TrackedOpportunity]:
        """The tracked opportunities of ``journey``, by key."""
        with self._read() as connection:
            journey_id = self._journey_id(connection, journey)
            rows = connection.execute(
                sa.select(_O.key, _O.status, _O.owner_id, _O.due, _O.updated_at)
                .where(_O.journey_id == journey_id)
                .order_by(_O.key)
            )
            return [
                TrackedOpportunity(journey, r.key, r.status, r.owner_id, r.due, r.updated_at)
                for r in rows
            ]
