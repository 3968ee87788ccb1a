"""The migrations build exactly the schema of the metadata (SQLite and PostgreSQL), opening
twice changes nothing, and stores open by URL and from a workspace's settings."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from tests.postgres import URL, postgres_engine

from parcours.errors import StoreError
from parcours.settings import Settings
from parcours.store import Store, open_store
from parcours.store.schema import metadata
from parcours.store.store import engine_url, schema_revision

from .conftest import PASSWORD


def test_the_migrated_schema_is_the_metadata(make_engine: Callable[[], sa.Engine]) -> None:
    with Store(make_engine()) as store, store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []
        assert set(sa.inspect(connection).get_table_names()) == {
            *metadata.tables,
            "alembic_version",
        }


def test_opening_again_keeps_the_data(make_engine: Callable[[], sa.Engine]) -> None:
    with Store(make_engine()) as store:
        store.add_user("ana@example.org", PASSWORD)
        current, head = schema_revision(store.engine)
        assert current == head == "0002"
    with Store(make_engine()) as again:
        assert [u.email for u in again.users()] == ["ana@example.org"]


def test_a_workspace_store_is_a_sqlite_file_in_the_workspace(tmp_path: Path) -> None:
    settings = Settings.load(tmp_path, env={})
    assert settings.store_url == f"sqlite:///{tmp_path / '.parcours' / 'store.sqlite'}"
    with open_store(settings) as store:
        assert not store.has_users()
    assert (tmp_path / ".parcours" / "store.sqlite").is_file()
    assert Settings.load(tmp_path, env={}, store="accounts.db").store_url == (
        f"sqlite:///{tmp_path / 'accounts.db'}"
    )
    from_env = Settings.load(tmp_path, env={"PARCOURS_STORE": "postgresql://u@h/db"})
    assert from_env.store_url == "postgresql://u@h/db"
    (tmp_path / "parcours.toml").write_text('store = "sqlite:////tmp/x.sqlite"\n')
    assert Settings.load(tmp_path, env={}).store_url == "sqlite:////tmp/x.sqlite"


def test_postgres_urls_use_the_c_driver_when_installed() -> None:
    """psycopg 3 (in the dev extra) comes first; a URL naming its driver keeps it."""
    assert engine_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert engine_url("postgres://u:p@h:5433/db") == "postgresql+psycopg://u:p@h:5433/db"
    assert engine_url("postgresql+pg8000://u@h/db") == "postgresql+pg8000://u@h/db"
    assert engine_url("sqlite:///x.sqlite") == "sqlite:///x.sqlite"


def test_a_bad_url_or_a_missing_server_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="not a database URL"):
        Store.open("nonsense")
    with pytest.raises(StoreError, match=r"cannot open the store .*check the URL"):
        Store.open("postgresql://nobody:secret@127.0.0.1:1/none")


@pytest.mark.postgres
def test_a_postgresql_url_opens_a_store() -> None:
    """``Store.open("postgresql://...")`` on a database of its own, dropped after: with the
    default driver (psycopg) and with pg8000, the fallback, named in the URL."""
    admin = postgres_engine(isolation_level="AUTOCOMMIT")
    name = f"parcours_store_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        url = URL.rsplit("/", 1)[0] + f"/{name}"
        with Store.open(url) as store:
            assert store.engine.url.drivername == "postgresql+psycopg"
            user = store.add_user("ana@example.org", PASSWORD)
            store.grant(user.id, "viewer")
        with Store.open(url.replace("postgresql://", "postgresql+pg8000://")) as store:
            assert store.engine.url.drivername == "postgresql+pg8000"
            assert store.authenticate("ana@example.org", PASSWORD) == user
            token, session = store.open_session(user.id)
            visit = store.visit(token)
            assert visit is not None and (visit.user, visit.session) == (user, session)
            assert visit.role("any journey") == "viewer"
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def test_upgrading_from_the_first_schema_keeps_comments_and_opportunities(
    tmp_path: Path,
) -> None:
    """A store made by 0001 with a comment and a tracked opportunity: 0002 anchors the comment
    to its stage and names the old ``open`` status ``idea``."""
    from alembic import command
    from alembic.config import Config

    from parcours.store.store import MIGRATIONS, create_engine

    engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        now = "2026-03-02 09:00:00"
        connection.execute(
            sa.text(
                "INSERT INTO journeys (id, key, format, title_fr, title_en, latest, created_at, "
                f"updated_at) VALUES (1, 'small', 'yaml', 'P', 'P', 0, '{now}', '{now}')"
            )
        )
        connection.execute(
            sa.text(
                "INSERT INTO comments (journey_id, author_id, target, body, created_at) "
                f"VALUES (1, NULL, 'buy', 'trop long', '{now}')"
            )
        )
        connection.execute(
            sa.text(
                "INSERT INTO opportunities (journey_id, key, status, created_at, updated_at) "
                f"VALUES (1, 'chat', 'open', '{now}', '{now}')"
            )
        )
        connection.commit()
    with Store(engine) as store:
        (comment,) = store.comments("small")
        assert (comment.anchor_kind, comment.target, comment.parent_id) == ("stage", "buy", None)
        assert [(o.key, o.status) for o in store.opportunities("small")] == [("chat", "idea")]
        assert schema_revision(store.engine)[0] == "0002"
