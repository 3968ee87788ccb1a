"""The store: open a database by URL, migrate it to the newest schema, run transactions.

``Store`` gathers the methods of its topic modules (accounts, sessions and roles, journeys,
sharing); this module holds what they share: the engine, the clock and the transactions.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event

from parcours.data.sql import normalise_url
from parcours.errors import DataError, StoreError
from parcours.settings import Settings
from parcours.store.access import Access
from parcours.store.accounts import Accounts
from parcours.store.base import StoreBase
from parcours.store.comments import Comments
from parcours.store.journeys import Journeys
from parcours.store.sharing import Sharing
from parcours.store.tracking import Tracking

MIGRATIONS = Path(__file__).parent / "migrations"
#: A web server asks the store from its event loop and from a few worker threads (background
#: jobs, uvicorn's thread pool): ten connections kept, twenty more at a peak.
PG_POOL = {"pool_size": 10, "max_overflow": 20, "pool_recycle": 1800}


def engine_url(url: str) -> str:
    """The SQLAlchemy URL for ``url``: a PostgreSQL URL naming no driver gets the first one
    installed (psycopg 3, then pg8000; see :func:`parcours.data.sql.normalise_url`)."""
    try:
        return normalise_url(url)
    except DataError as exc:
        raise StoreError(str(exc)) from None


def create_engine(url: str) -> sa.Engine:
    """An engine on ``url``; SQLite files get foreign keys, write-ahead logging, and write
    transactions that take the lock at their start (no failure when two writers meet)."""
    url = engine_url(url)
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError as exc:
        raise StoreError(
            f"{url!r} is not a database URL; write sqlite:///path/store.sqlite or "
            "postgresql://user@host/database"
        ) from exc
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(parsed, pool_pre_ping=True, **PG_POOL)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    # a web server's threads each hold a connection: a small pool made writers wait seconds
    # behind readers with 32 threads (bench/store_requests.py)
    engine = sa.create_engine(parsed, connect_args={"timeout": 30}, pool_size=16, max_overflow=48)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # transactions begin in _on_begin
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        # with WAL, a commit survives a crash of the program; an OS crash may lose the last ones
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        write = connection.get_execution_options().get("write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def migrate(engine: sa.Engine) -> None:
    """Bring the database of ``engine`` to the newest schema (Alembic ``upgrade head``)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as connection:
        connection.execution_options(write=True)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        connection.commit()


def schema_revision(engine: sa.Engine) -> tuple[str | None, str | None]:
    """(the database's schema revision, the newest one the package knows)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return current, ScriptDirectory.from_config(config).get_current_head()


def _where(engine: sa.Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Store(Accounts, Access, Comments, Tracking, Journeys, Sharing, StoreBase):
    """Journeys and their versions, accounts, sessions, roles, share links, comments and
    opportunity tracking, in one relational database. Open it with :meth:`open` or
    :func:`open_store`; close it (or use ``with``)."""

    def __init__(self, engine: sa.Engine, *, clock: Callable[[], datetime] = _utcnow) -> None:
        """A store on ``engine``, migrated to the newest schema. ``clock`` gives the current
        time (aware UTC); expiries, idle timeouts and throttling read it."""
        self.engine = engine
        self.clock = clock
        migrate(engine)

    @classmethod
    def open(cls, url: str) -> Store:
        """The store at ``url`` (``sqlite:///path``, ``postgresql://user@host/db``)."""
        engine = create_engine(url)
        try:
            return cls(engine)
        except sa.exc.DBAPIError as exc:
            engine.dispose()
            reason = " ".join(str(exc.orig).split())  # drivers' messages span lines
            raise StoreError(
                f"{_where(engine)}: cannot open the store ({reason}); check the URL and that "
                "the database server is running"
            ) from exc
        except BaseException:
            engine.dispose()
            raise

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({_where(self.engine)!r})"


def open_store(settings: Settings) -> Store:
    """The store of a workspace: ``settings.store_url``."""
    return Store.open(settings.store_url)
