"""What every part of the store shares: the engine, the clock, transactions, journey lookup."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

import sqlalchemy as sa

from parcours.errors import StoreError
from parcours.store import schema as t

#: A journey key: the file stem of the journey in the workspace's ``journeys/`` folder.
KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def check_key(key: str) -> str:
    if not isinstance(key, str) or not KEY.match(key) or key.endswith("."):
        raise StoreError(
            f"{key!r} is not a journey key; use the journey file's name without its suffix "
            "(letters, digits, '_', '-', '.'; e.g. sport_subscription)"
        )
    return key


class StoreBase:
    engine: sa.Engine
    clock: Callable[[], datetime]

    def now(self) -> datetime:
        """The store's current time (aware UTC)."""
        return self.clock()

    @contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        with self.engine.connect() as connection, connection.begin():
            yield connection

    @contextmanager
    def _peek(self) -> Iterator[sa.Connection]:
        """A connection for one statement, which is atomic by itself: on PostgreSQL it runs
        without BEGIN and COMMIT around it (two round trips fewer); SQLite, in process, keeps
        its transaction."""
        if self.engine.dialect.name == "sqlite":
            with self._read() as connection:
                yield connection
            return
        with self.engine.connect() as connection:
            yield connection.execution_options(isolation_level="AUTOCOMMIT")

    @contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        """A write transaction; on SQLite it takes the write lock at its start."""
        with self.engine.connect() as connection:
            connection.execution_options(write=True)
            with connection.begin():
                yield connection

    def _journey_id(self, connection: sa.Connection, key: str) -> int:
        """The id of the journey ``key``; StoreError when the store has no such journey."""
        found = connection.execute(
            sa.select(t.journeys.c.id).where(t.journeys.c.key == check_key(key))
        ).scalar()
        if found is None:
            raise StoreError(
                f"no journey {key!r} in the store; import it first (its file in the "
                "workspace's journeys/ folder, then Store.sync_workspace)"
            )
        return int(found)

    def _user_exists(self, connection: sa.Connection, user_id: int) -> None:
        found = connection.execute(sa.select(t.users.c.id).where(t.users.c.id == user_id))
        if found.scalar() is None:
            raise StoreError(f"no user with id {user_id}; see `parcours user list`")
