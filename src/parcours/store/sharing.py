"""Sharing: read-only share links.

A share link opens one journey, read-only, to whoever holds its token, until it expires or is
revoked. Like a session token, the link's token is returned once and stored as its SHA-256.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from parcours.errors import StoreError
from parcours.store import schema as t
from parcours.store.base import StoreBase, sha256
from parcours.store.records import ShareLink

SHARE_TTL = timedelta(days=7)
_S, _J = t.share_links.c, t.journeys.c


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
