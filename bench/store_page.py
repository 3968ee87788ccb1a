"""What one page asks of the store, before and after issue 12's change, per driver; a table.

    .venv/bin/python bench/store_page.py --pages 2000 \
        --postgres postgresql://postgres@127.0.0.1:5432/test

One thread (as the server's event loop) asks, per page, either what the pages asked before
(``session_for``, ``journeys``, ``role_for``: three round trips, each in a transaction) or what
they ask now (``visit``: session, user and roles in one query; ``journeys``; single statements
without BEGIN/COMMIT on PostgreSQL). Prints the CPU time of this process (the driver's and
SQLAlchemy's work, which other jobs on the machine barely change) and the wall time per page,
on SQLite and on PostgreSQL through pg8000 (pure Python) and psycopg 3 (C, libpq). PostgreSQL
runs in a schema of its own, dropped after.
"""

from __future__ import annotations

import argparse
import os
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from tempfile import TemporaryDirectory

import sqlalchemy as sa

from parcours.samples import sample_path
from parcours.store import Store
from parcours.store.store import create_engine


def stores(postgres: str | None) -> Iterator[tuple[str, Store]]:
    """SQLite, then PostgreSQL through each driver (one fresh schema each)."""
    with (
        TemporaryDirectory() as folder,
        Store(create_engine(f"sqlite:///{Path(folder) / 'store.sqlite'}")) as store,
    ):
        yield "SQLite", store
    if not postgres:
        return
    for driver in ("pg8000", "psycopg"):
        url = postgres.replace("postgresql://", f"postgresql+{driver}://")
        schema = f"bench_page_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        engine = create_engine(url)
        sa.event.listen(engine, "connect", _in_schema(schema))
        try:
            with Store(engine) as store:
                yield f"PostgreSQL ({driver})", store
        finally:
            with admin.connect() as connection:
                connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


def _in_schema(schema: str) -> Callable[..., None]:
    def connect(dbapi_connection: object, _record: object) -> None:
        cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
        cursor.execute(f'SET search_path TO "{schema}"')
        cursor.close()
        dbapi_connection.commit()  # type: ignore[attr-defined]

    return connect


def pages(store: Store, count: int) -> dict[str, tuple[float, float]]:
    """(CPU ms, wall ms) per page, asked the old way and the new way."""
    user = store.add_user("bench@example.org", "correct horse battery staple")
    store.grant(user.id, "viewer")
    text = sample_path("sport_subscription").read_text(encoding="utf-8")
    store.import_journey("sport", text, author_id=user.id)
    token, _ = store.open_session(user.id)

    def before() -> None:
        found = store.session_for(token)
        assert found is not None
        assert "sport" in {r.key for r in store.journeys()}
        store.role_for(found[0].id, "sport")

    def now() -> None:
        visit = store.visit(token)
        assert visit is not None
        assert "sport" in {r.key for r in store.journeys()}
        visit.role("sport")

    timed = {}
    for name, page in (("3 queries (before)", before), ("visit + journeys (now)", now)):
        for _ in range(count // 10):  # warm the pool and the statement caches
            page()
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(count):
            page()
        timed[name] = (
            1000 * (time.process_time() - cpu) / count,
            1000 * (time.perf_counter() - wall) / count,
        )
    return timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--postgres", default=None)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}; {args.pages} pages each")
    print(f"{'store':<22} {'asked':<24} {'CPU ms/page':>12} {'wall ms/page':>13}")
    for label, store in stores(args.postgres):
        for asked, (cpu, wall) in pages(store, args.pages).items():
            print(f"{label:<22} {asked:<24} {cpu:>12.3f} {wall:>13.3f}")


if __name__ == "__main__":
    main()
